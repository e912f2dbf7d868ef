# Français : les pages hébergées, la page du compte, les e-mails et leurs messages.

## Shared words
brand-help = Aide
brand-privacy = Confidentialité
continue = Continuer
close-page = Vous pouvez fermer cette page.
save = Enregistrer
actions = Actions
back-to-sign-in = Retour à la connexion
continue-to = pour continuer vers <strong>{ $client }</strong>
field-email = E-mail
field-password = Mot de passe
field-new-password = Nouveau mot de passe
field-repeat-password = Répétez le nouveau mot de passe
field-current-password = Mot de passe actuel
field-name = Nom
field-optional = (facultatif)
field-code = Code
field-tenant = Locataire

## Login
login-page-title = Se connecter à { $client }
login-title = Connexion
login-submit = Se connecter
login-forgot = Mot de passe oublié ?
login-create-account = Créer un compte
login-alternatives = Autres façons de se connecter
login-passkey = Se connecter avec une clé d'accès
login-continue-with = Continuer avec { $provider }
notice-password-set = Votre nouveau mot de passe est enregistré et vous avez été déconnecté partout ailleurs. Connectez-vous avec.
notice-email-verified = Votre adresse e-mail est confirmée. Connectez-vous pour continuer.

## Consent
consent-title = Autoriser { $client } ?
consent-signed-in-as = Connecté en tant que <strong>{ $email }</strong>
consent-self-registered = Cette application s'est enregistrée elle-même : son nom est de son propre choix. Elle indique que son site est <strong>{ $site }</strong>. Ne continuez que si c'est bien l'application que vous vouliez utiliser.
consent-would-like = <strong>{ $client }</strong> souhaite :
consent-remember = Mémoriser cette décision
consent-deny = Refuser
consent-allow = Autoriser
scope-openid = Vous connecter avec votre compte
scope-profile = Voir votre nom
scope-email = Voir votre adresse e-mail
scope-offline_access = Rester connecté quand vous ne l'utilisez pas (jetons d'actualisation)
scope-other = Accéder à « { $scope } »

## Two-step verification
mfa-title = Validation en deux étapes
mfa-enrol-intro = La connexion ici demande une deuxième étape. Scannez ce code avec une application d'authentification (comme Google Authenticator, 1Password ou Aegis), ou saisissez la clé, puis entrez le code à 6 chiffres qu'elle affiche.
mfa-code-intro = Entrez le code à 6 chiffres de votre application d'authentification, ou l'un de vos codes de récupération.
mfa-key = Clé :
mfa-turn-on-continue = Activer et continuer
codes-page-title = Codes de récupération
codes-title = Conservez vos codes de récupération
codes-warning = Ils ne sont affichés que maintenant. Chacun vous connecte une fois si vous perdez votre application d'authentification.
codes-saved = Je les ai conservés, continuer

## Device
device-title = Connecter un appareil
device-intro = Entrez le code affiché sur votre téléviseur, votre console ou votre ligne de commande.
device-approved-title = Appareil connecté
device-approved = Vous pouvez revenir à votre appareil ; il continuera tout seul. Vous pouvez fermer cette page.
device-denied-title = Demande refusée
device-denied = L'appareil n'a pas obtenu l'accès. Vous pouvez fermer cette page.

## Sign-out
logout-page-title = Déconnexion
logout-title = Se déconnecter ?
logout-client-asks = <strong>{ $client }</strong> demande à vous déconnecter.
logout-about-to = Vous êtes sur le point de vous déconnecter.
logout-everywhere = Vous serez déconnecté de toutes les applications qui utilisent ce compte dans ce navigateur.
logout-submit = Se déconnecter
logout-unverified = La demande de déconnexion de l'application n'a pas pu être vérifiée : vous n'y êtes donc pas renvoyé.
logout-no-client = La demande de déconnexion n'indique pas quelle application l'a envoyée : vous n'êtes donc pas renvoyé.
logout-unregistered = L'adresse de retour n'est pas enregistrée pour cette application : vous n'êtes donc pas renvoyé.
logged-out-page-title = Déconnecté
logged-out-title = Vous êtes déconnecté
logged-out-signing-out-of = { $n ->
    [one] Déconnexion d'une application…
   *[other] Déconnexion de { $n } applications…
}
logged-out-frame = Déconnexion d'une application
form-post-title = Retour à l'application…
form-post-manual = Si rien ne se passe, continuez vous-même.

## Sign-up
signup-title = Créer votre compte
signup-password-rule = Au moins 8 caractères, et pas un mot de passe courant.
signup-submit = Créer le compte
signup-have-account = J'ai un compte : me connecter
signup-check-email-title = Consultez vos e-mails
signup-check-email = Nous avons envoyé un message à { $email }. Ouvrez le lien qu'il contient pour confirmer votre adresse, puis connectez-vous. Le lien est valable 24 heures.

## Forgotten password, new password, address confirmation
forgot-title = Réinitialiser votre mot de passe
forgot-sent = Si un compte existe pour <strong>{ $email }</strong>, nous lui avons envoyé un lien pour choisir un nouveau mot de passe. Le lien est valable 30 minutes.
forgot-no-message = Pas de message ? Regardez dans vos indésirables, ou redemandez dans quelques minutes.
forgot-intro = Saisissez l'adresse e-mail avec laquelle vous vous connectez. Nous y envoyons un lien pour choisir un nouveau mot de passe.
forgot-submit = Envoyer le lien
reset-title = Choisir un nouveau mot de passe
reset-for = pour <strong>{ $email }</strong>. Le définir vous déconnecte partout ailleurs.
reset-password-rule = Au moins 8 caractères. Quelques mots sans rapport sont faciles à retenir et difficiles à deviner.
reset-submit = Définir le mot de passe
verify-title = Confirmer votre adresse e-mail
verify-intro = Confirmez que <strong>{ $email }</strong> est bien votre adresse.
verify-submit = Confirmer
link-dead-title = Ce lien ne fonctionne plus
link-dead = Ce lien a expiré ou a déjà été utilisé.
link-ask-again = Demandez-en un nouveau avec « Mot de passe oublié ? » sur la page de connexion.
link-sign-in-again = Connectez-vous : si votre adresse doit encore être confirmée, un nouveau lien vous sera alors envoyé.
done-password-title = Votre nouveau mot de passe est enregistré
done-password = Vous avez été déconnecté partout ailleurs. Connectez-vous avec le nouveau mot de passe.
done-email-title = Votre adresse est confirmée
done-email = Vous pouvez maintenant vous connecter.
go-to-account = Aller à votre compte

## Account page
account-title = Votre compte
account-sign-out = Se déconnecter
account-profile = Profil
account-email-verified = E-mail : { $email } (confirmée)
account-email-unverified = E-mail : { $email } (non confirmée)
account-change-password = Changer votre mot de passe
account-set-password = Définir un mot de passe
account-no-password = Vous n'avez pas encore de mot de passe ; vous pouvez en définir un.
account-password-length = (8 caractères ou plus)
account-password-signs-out = Le changer vous déconnecte partout ailleurs.
account-password-submit = Changer le mot de passe
account-passkeys = Clés d'accès
account-passkeys-intro = Connectez-vous avec votre empreinte, votre visage ou le verrouillage de l'écran au lieu d'un mot de passe. Une clé d'accès compte à elle seule pour deux facteurs.
account-added = Ajoutée
account-last-used = Dernière utilisation
account-rename = Renommer
account-synced = synchronisée
account-remove = Supprimer
account-no-passkeys = Aucune clé d'accès pour l'instant.
account-passkey-name-hint = (par exemple « Portable »)
account-add-passkey = Ajouter une clé d'accès
account-passkey-needs-js = Ajouter une clé d'accès nécessite JavaScript.
account-mfa-on = Activée depuis { $since } : la connexion demande un code de votre application d'authentification.
account-codes-left = { $n ->
    [one] Il reste 1 code de récupération.
   *[other] Il reste { $n } codes de récupération.
}
account-codes-code = Code de votre application, pour de nouveaux codes de récupération
account-new-codes = Nouveaux codes de récupération
account-remove-code = Code de votre application (ou un code de récupération), pour la désactiver
account-turn-off = Désactiver
account-mfa-scan = Scannez ce code avec une application d'authentification (comme Google Authenticator, 1Password ou Aegis), ou saisissez la clé, puis entrez le code à 6 chiffres qu'elle affiche.
account-turn-off-mfa = Désactiver la validation en deux étapes
account-turn-on = Activer
account-mfa-off = Désactivée. Une fois activée, la connexion demande aussi un code d'une application d'authentification sur votre téléphone.
account-mfa-set-up = Configurer une application d'authentification
account-apps = Applications connectées
account-app = Application
account-may-see = Peut voir
account-since = Depuis
account-remove-access = Retirer l'accès
account-no-apps = Aucune application n'a accès à votre compte.
account-sessions = Où vous êtes connecté
account-signed-in = Connexion
account-with = Avec
account-until = Jusqu'à
account-this-browser = Ce navigateur
account-sign-out-others = Se déconnecter partout ailleurs
account-signin-intro = Ouvrez cette page depuis le lien de votre application, ou saisissez le nom de votre locataire dans Qeet ID (son nom court, comme acme).
account-unknown-tenant = Aucun locataire ne porte ce nom. Vérifiez le lien que votre application vous a donné.
account-done-profile = Votre profil a été enregistré.
account-done-password = Votre mot de passe a été changé ; vous avez été déconnecté partout ailleurs.
account-done-app-removed = L'application n'a plus accès à votre compte.
account-done-session-ended = Cette session a été déconnectée.
account-done-others-ended = Vous avez été déconnecté partout ailleurs.
account-done-mfa-on = La validation en deux étapes est activée.
account-done-mfa-off = La validation en deux étapes est désactivée.
account-done-passkey-added = La clé d'accès a été ajoutée : vous pouvez vous connecter avec, sans mot de passe.
account-done-passkey-renamed = La clé d'accès a été renommée.
account-done-passkey-removed = La clé d'accès a été supprimée.
account-no-such-app = Vous n'avez pas cette application.
account-no-such-session = Vous n'avez pas cette session.
account-device = Appareil
device-browser-on-system = { $browser } sous { $system }
device-unknown = Navigateur inconnu
device-local-network = réseau local
device-network = réseau { $network }
amr-pwd = mot de passe
amr-otp = code à usage unique
amr-passkey = clé d'accès
amr-fed = un autre fournisseur
amr-mfa = deux facteurs

## What went wrong
error-code = Code d'erreur :
error-cannot-continue = Impossible de continuer
error-not-found-title = Page introuvable
error-not-found = Il n'y a rien à cette adresse.
error-not-found-short = Introuvable
error-bad-sign-in-link = Ce lien de connexion n'est pas valide
error-bad-sign-out-link = Ce lien de déconnexion n'est pas valide
error-misconfigured = { $reason } L'application qui vous a envoyé ici est mal configurée ; rien ne lui a été communiqué.
error-unavailable-title = Temporairement indisponible
error-unavailable = Le service est temporairement indisponible. Veuillez réessayer dans un instant.
error-internal-title = Une erreur s'est produite
error-internal = Veuillez réessayer dans un instant.
error-form-expired-title = Formulaire expiré
error-form-expired = Rechargez la page et réessayez.
flow-request_not_found = Cette demande de connexion a expiré ou n'est pas valide dans ce navigateur. Recommencez depuis l'application.
flow-csrf_mismatch = Le formulaire n'a pas pu être vérifié. Rechargez la page et réessayez.
flow-invalid_credentials = E-mail ou mot de passe incorrect.
flow-account_disabled = Ce compte est désactivé. Adressez-vous à un administrateur de ce service.
flow-upstream_failed = La connexion par un autre fournisseur n'a pas fonctionné ({ $reason }). Réessayez, ou connectez-vous autrement.
flow-email_taken = Un compte avec cette adresse e-mail existe déjà ici. Connectez-vous plutôt avec lui.
flow-invalid_passkey = Cette clé d'accès ne peut pas être utilisée ici. Réessayez, ou connectez-vous avec votre mot de passe.
flow-invalid_code = Ce code n'est pas correct, ou a déjà été utilisé. Attendez le suivant.
flow-too_many_attempts = { $n ->
    [one] Trop d'essais infructueux. Réessayez dans 1 seconde.
   *[other] Trop d'essais infructueux. Réessayez dans { $n } secondes.
}
flow-login_required = Connectez-vous d'abord.
flow-invalid_user_code = Ce code n'est pas valide. Vérifiez le code sur votre appareil et réessayez.
flow-email_not_verified = Confirmez d'abord votre adresse e-mail : nous avons envoyé un lien à { $email }. Ouvrez-le, puis reconnectez-vous.
flow-sign_up_closed = Ce service n'accepte pas de nouveaux comptes ici. Demandez-en un à son administrateur.
flow-link_invalid = Ce lien a expiré ou a déjà été utilisé. Demandez-en un nouveau.
flow-internal_error = Une erreur s'est produite de notre côté. Veuillez réessayer.
invalid-password-length = Le mot de passe doit compter de 8 à 1024 caractères.
invalid-password-common = C'est l'un des mots de passe les plus courants. Choisissez-en un plus difficile à deviner.
invalid-email-format = Saisissez une adresse e-mail comme ada@example.com.
invalid-name-length = Le nom peut compter au plus 200 caractères.
invalid-characters = Retirez les caractères de contrôle ou de sens d'écriture.
invalid-passwords-differ = Les deux mots de passe diffèrent : saisissez deux fois le même.
invalid-current-password = Le mot de passe actuel n'est pas correct.

## Times
time-just-now = à l'instant
time-in-a-moment = dans un instant
time-yesterday = hier
time-minutes-ago = { $n ->
    [one] il y a 1 minute
   *[other] il y a { $n } minutes
}
time-in-minutes = { $n ->
    [one] dans 1 minute
   *[other] dans { $n } minutes
}
time-hours-ago = { $n ->
    [one] il y a 1 heure
   *[other] il y a { $n } heures
}
time-in-hours = { $n ->
    [one] dans 1 heure
   *[other] dans { $n } heures
}
time-days-ago = { $n ->
    [one] il y a 1 jour
   *[other] il y a { $n } jours
}
time-in-days = { $n ->
    [one] dans 1 jour
   *[other] dans { $n } jours
}
time-date = { $day } { $month } { $year }
month-1 = janv.
month-2 = févr.
month-3 = mars
month-4 = avr.
month-5 = mai
month-6 = juin
month-7 = juil.
month-8 = août
month-9 = sept.
month-10 = oct.
month-11 = nov.
month-12 = déc.
duration-minutes = { $n ->
    [one] 1 minute
   *[other] { $n } minutes
}
duration-hours = { $n ->
    [one] 1 heure
   *[other] { $n } heures
}
duration-days = { $n ->
    [one] 1 jour
   *[other] { $n } jours
}

## E-mail
mail-hello = Bonjour,
mail-hello-name = Bonjour { $name },
mail-or-open = Ou ouvrez ce lien :
mail-password-reset-subject = Réinitialisez votre mot de passe { $tenant }
mail-password-reset-intro = Quelqu'un a demandé à réinitialiser le mot de passe de votre compte { $tenant }. Si c'était vous, choisissez un nouveau mot de passe :
mail-password-reset-button = Choisir un nouveau mot de passe
mail-password-reset-valid = Le lien est valable { $duration }, une seule fois. Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.
mail-verify-email-subject = Confirmez votre adresse e-mail pour { $tenant }
mail-verify-email-intro = Confirmez que c'est bien l'adresse de votre compte { $tenant } :
mail-verify-email-button = Confirmer mon adresse
mail-verify-email-valid = Le lien est valable { $duration }. Si vous n'avez pas créé de compte, ignorez ce message.
mail-account-exists-subject = Vous avez déjà un compte { $tenant }
mail-account-exists-intro = Quelqu'un a essayé de créer un compte { $tenant } avec votre adresse, qui en a déjà un. Si c'était vous, connectez-vous avec ; si vous avez oublié le mot de passe, choisissez-en un nouveau :
mail-account-exists-button = Réinitialiser mon mot de passe
mail-account-exists-not-you = Si ce n'était pas vous, ignorez ce message : rien n'a changé.

## The deployment's home page
home-running = Ce fournisseur OpenID Connect fonctionne (version { $version }, émetteur <code>{ $issuer }</code>).
home-dashboard = Tableau de bord d'administration
home-api = Référence de l'API d'administration (OpenAPI)
home-liveness = Vivacité
home-readiness = Disponibilité
home-metrics = Métriques
