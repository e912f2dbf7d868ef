# Deutsch: die gehosteten Seiten, die Kontoseite, E-Mails und ihre Meldungen.

## Shared words
brand-help = Hilfe
brand-privacy = Datenschutz
continue = Weiter
close-page = Sie können diese Seite schließen.
save = Speichern
actions = Aktionen
back-to-sign-in = Zurück zur Anmeldung
continue-to = um mit <strong>{ $client }</strong> fortzufahren
field-email = E-Mail
field-password = Passwort
field-new-password = Neues Passwort
field-repeat-password = Neues Passwort wiederholen
field-current-password = Aktuelles Passwort
field-name = Name
field-optional = (optional)
field-code = Code
field-tenant = Mandant

## Login
login-page-title = Bei { $client } anmelden
login-title = Anmelden
login-submit = Anmelden
login-forgot = Passwort vergessen?
login-create-account = Konto erstellen
login-alternatives = Andere Anmeldemöglichkeiten
login-passkey = Mit einem Passkey anmelden
login-continue-with = Weiter mit { $provider }
notice-password-set = Ihr neues Passwort ist gesetzt und Sie wurden überall sonst abgemeldet. Melden Sie sich damit an.
notice-email-verified = Ihre E-Mail-Adresse ist bestätigt. Melden Sie sich an, um fortzufahren.

## Consent
consent-title = { $client } erlauben?
consent-signed-in-as = Angemeldet als <strong>{ $email }</strong>
consent-self-registered = Diese App hat sich selbst registriert: Ihr Name ist frei gewählt. Sie gibt <strong>{ $site }</strong> als ihre Website an. Fahren Sie nur fort, wenn Sie diese App verwenden wollten.
consent-would-like = <strong>{ $client }</strong> möchte:
consent-remember = Diese Entscheidung merken
consent-deny = Ablehnen
consent-allow = Erlauben
scope-openid = Sie mit Ihrem Konto anmelden
scope-profile = Ihren Namen sehen
scope-email = Ihre E-Mail-Adresse sehen
scope-offline_access = Verbunden bleiben, wenn Sie sie nicht nutzen (Refresh-Tokens)
scope-other = Zugriff auf „{ $scope }“

## Two-step verification
mfa-title = Bestätigung in zwei Schritten
mfa-enrol-intro = Die Anmeldung hier verlangt einen zweiten Schritt. Scannen Sie diesen Code mit einer Authenticator-App (etwa Google Authenticator, 1Password oder Aegis) oder geben Sie den Schlüssel ein, und tragen Sie dann den 6-stelligen Code ein, den sie anzeigt.
mfa-code-intro = Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App oder einen Ihrer Wiederherstellungscodes ein.
mfa-key = Schlüssel:
mfa-turn-on-continue = Einschalten und weiter
codes-page-title = Wiederherstellungscodes
codes-title = Speichern Sie Ihre Wiederherstellungscodes
codes-warning = Sie werden nur jetzt angezeigt. Jeder meldet Sie einmal an, falls Sie Ihre Authenticator-App verlieren.
codes-saved = Gespeichert, weiter

## Device
device-title = Ein Gerät verbinden
device-intro = Geben Sie den Code ein, den Ihr Fernseher, Ihre Konsole oder Ihre Kommandozeile anzeigt.
device-approved-title = Gerät verbunden
device-approved = Sie können zu Ihrem Gerät zurückkehren; es macht von selbst weiter. Sie können diese Seite schließen.
device-denied-title = Anfrage abgelehnt
device-denied = Das Gerät hat keinen Zugriff erhalten. Sie können diese Seite schließen.

## Sign-out
logout-page-title = Abmelden
logout-title = Abmelden?
logout-client-asks = <strong>{ $client }</strong> möchte Sie abmelden.
logout-about-to = Sie sind dabei, sich abzumelden.
logout-everywhere = Sie werden in diesem Browser von jeder Anwendung abgemeldet, die dieses Konto verwendet.
logout-submit = Abmelden
logout-unverified = Die Abmeldeanfrage der Anwendung konnte nicht geprüft werden, daher werden Sie nicht zu ihr zurückgeleitet.
logout-no-client = Die Abmeldeanfrage nennt nicht, welche Anwendung sie gesendet hat, daher werden Sie nicht zurückgeleitet.
logout-unregistered = Die Rücksprungadresse ist für diese Anwendung nicht registriert, daher werden Sie nicht zurückgeleitet.
logged-out-page-title = Abgemeldet
logged-out-title = Sie sind abgemeldet
logged-out-signing-out-of = { $n ->
    [one] Sie werden von 1 Anwendung abgemeldet …
   *[other] Sie werden von { $n } Anwendungen abgemeldet …
}
logged-out-frame = Abmeldung bei einer Anwendung
form-post-title = Zurück zur Anwendung …
form-post-manual = Falls nichts passiert, fahren Sie selbst fort.

## Sign-up
signup-title = Konto erstellen
signup-password-rule = Mindestens 8 Zeichen und kein häufiges Passwort.
signup-submit = Konto erstellen
signup-have-account = Ich habe ein Konto: anmelden
signup-check-email-title = Prüfen Sie Ihre E-Mails
signup-check-email = Wir haben eine Nachricht an { $email } gesendet. Öffnen Sie den Link darin, um Ihre Adresse zu bestätigen, und melden Sie sich dann an. Der Link gilt 24 Stunden.

## Forgotten password, new password, address confirmation
forgot-title = Passwort zurücksetzen
forgot-sent = Falls ein Konto für <strong>{ $email }</strong> existiert, haben wir einen Link zum Festlegen eines neuen Passworts gesendet. Der Link gilt 30 Minuten.
forgot-no-message = Keine Nachricht? Sehen Sie im Spam-Ordner nach oder fragen Sie in ein paar Minuten erneut.
forgot-intro = Geben Sie die E-Mail-Adresse ein, mit der Sie sich anmelden. Wir senden ihr einen Link, um ein neues Passwort zu wählen.
forgot-submit = Link senden
reset-title = Neues Passwort wählen
reset-for = für <strong>{ $email }</strong>. Damit werden Sie überall sonst abgemeldet.
reset-password-rule = Mindestens 8 Zeichen. Einige zusammenhanglose Wörter sind leicht zu merken und schwer zu erraten.
reset-submit = Passwort festlegen
verify-title = E-Mail-Adresse bestätigen
verify-intro = Bestätigen Sie, dass <strong>{ $email }</strong> Ihre Adresse ist.
verify-submit = Bestätigen
link-dead-title = Dieser Link funktioniert nicht mehr
link-dead = Dieser Link ist abgelaufen oder wurde bereits verwendet.
link-ask-again = Fordern Sie mit „Passwort vergessen?“ auf der Anmeldeseite einen neuen an.
link-sign-in-again = Melden Sie sich an: Falls Ihre Adresse noch bestätigt werden muss, wird dann ein neuer Link gesendet.
done-password-title = Ihr neues Passwort ist gesetzt
done-password = Sie wurden überall sonst abgemeldet. Melden Sie sich mit dem neuen Passwort an.
done-email-title = Ihre Adresse ist bestätigt
done-email = Sie können sich jetzt anmelden.
go-to-account = Zu Ihrem Konto

## Account page
account-title = Ihr Konto
account-sign-out = Abmelden
account-profile = Profil
account-email-verified = E-Mail: { $email } (bestätigt)
account-email-unverified = E-Mail: { $email } (nicht bestätigt)
account-change-password = Passwort ändern
account-set-password = Passwort festlegen
account-no-password = Sie haben noch kein Passwort; Sie können eines festlegen.
account-password-length = (8 Zeichen oder mehr)
account-password-signs-out = Eine Änderung meldet Sie überall sonst ab.
account-password-submit = Passwort ändern
account-passkeys = Passkeys
account-passkeys-intro = Melden Sie sich mit Fingerabdruck, Gesicht oder Bildschirmsperre statt mit einem Passwort an. Ein Passkey zählt allein schon als zwei Faktoren.
account-added = Hinzugefügt
account-last-used = Zuletzt verwendet
account-rename = Umbenennen
account-synced = synchronisiert
account-remove = Entfernen
account-no-passkeys = Noch keine Passkeys.
account-passkey-name-hint = (etwa „Laptop“)
account-add-passkey = Passkey hinzufügen
account-passkey-needs-js = Zum Hinzufügen eines Passkeys wird JavaScript benötigt.
account-mfa-on = Eingeschaltet seit { $since }: Die Anmeldung fragt nach einem Code aus Ihrer Authenticator-App.
account-codes-left = { $n ->
    [one] Noch 1 Wiederherstellungscode.
   *[other] Noch { $n } Wiederherstellungscodes.
}
account-codes-code = Code aus Ihrer App, für neue Wiederherstellungscodes
account-new-codes = Neue Wiederherstellungscodes
account-remove-code = Code aus Ihrer App (oder ein Wiederherstellungscode), um sie auszuschalten
account-turn-off = Ausschalten
account-mfa-scan = Scannen Sie diesen Code mit einer Authenticator-App (etwa Google Authenticator, 1Password oder Aegis) oder geben Sie den Schlüssel ein, und tragen Sie dann den 6-stelligen Code ein, den sie anzeigt.
account-turn-off-mfa = Bestätigung in zwei Schritten ausschalten
account-turn-on = Einschalten
account-mfa-off = Aus. Eingeschaltet fragt die Anmeldung zusätzlich nach einem Code aus einer Authenticator-App auf Ihrem Telefon.
account-mfa-set-up = Authenticator-App einrichten
account-apps = Verbundene Anwendungen
account-app = Anwendung
account-may-see = Darf sehen
account-since = Seit
account-remove-access = Zugriff entziehen
account-no-apps = Keine Anwendung hat Zugriff auf Ihr Konto.
account-sessions = Wo Sie angemeldet sind
account-signed-in = Angemeldet
account-with = Mit
account-until = Bis
account-this-browser = Dieser Browser
account-sign-out-others = Überall sonst abmelden
account-signin-intro = Öffnen Sie diese Seite über den Link in Ihrer Anwendung oder geben Sie den Namen Ihres Mandanten in Qeet ID ein (seinen Kurznamen, etwa acme).
account-unknown-tenant = Kein Mandant trägt diesen Namen. Prüfen Sie den Link, den Ihre Anwendung Ihnen gegeben hat.
account-done-profile = Ihr Profil wurde gespeichert.
account-done-password = Ihr Passwort wurde geändert; Sie wurden überall sonst abgemeldet.
account-done-app-removed = Die Anwendung hat keinen Zugriff mehr auf Ihr Konto.
account-done-session-ended = Diese Sitzung wurde abgemeldet.
account-done-others-ended = Sie wurden überall sonst abgemeldet.
account-done-mfa-on = Die Bestätigung in zwei Schritten ist eingeschaltet.
account-done-mfa-off = Die Bestätigung in zwei Schritten ist ausgeschaltet.
account-done-passkey-added = Der Passkey wurde hinzugefügt: Sie können sich damit ohne Passwort anmelden.
account-done-passkey-renamed = Der Passkey wurde umbenannt.
account-done-passkey-removed = Der Passkey wurde entfernt.
account-no-such-app = Sie haben keine solche Anwendung.
account-no-such-session = Sie haben keine solche Sitzung.
account-device = Gerät
device-browser-on-system = { $browser } unter { $system }
device-unknown = Unbekannter Browser
device-local-network = lokales Netz
device-network = Netz { $network }
amr-pwd = Passwort
amr-otp = Einmalcode
amr-passkey = Passkey
amr-fed = anderer Anbieter
amr-mfa = zwei Faktoren

## What went wrong
error-code = Fehlercode:
error-cannot-continue = Es geht nicht weiter
error-not-found-title = Seite nicht gefunden
error-not-found = Unter dieser Adresse gibt es nichts.
error-not-found-short = Nicht gefunden
error-bad-sign-in-link = Dieser Anmeldelink ist ungültig
error-bad-sign-out-link = Dieser Abmeldelink ist ungültig
error-misconfigured = { $reason } Die Anwendung, die Sie hierher geschickt hat, ist falsch eingerichtet; nichts wurde mit ihr geteilt.
error-unavailable-title = Vorübergehend nicht verfügbar
error-unavailable = Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es gleich noch einmal.
error-internal-title = Etwas ist schiefgegangen
error-internal = Bitte versuchen Sie es gleich noch einmal.
error-form-expired-title = Formular abgelaufen
error-form-expired = Laden Sie die Seite neu und versuchen Sie es noch einmal.
flow-request_not_found = Diese Anmeldeanfrage ist abgelaufen oder in diesem Browser nicht gültig. Beginnen Sie erneut in der Anwendung.
flow-csrf_mismatch = Das Formular konnte nicht geprüft werden. Laden Sie die Seite neu und versuchen Sie es noch einmal.
flow-invalid_credentials = E-Mail oder Passwort ist falsch.
flow-account_disabled = Dieses Konto ist gesperrt. Wenden Sie sich an die Verwaltung dieses Dienstes.
flow-upstream_failed = Die Anmeldung über einen anderen Anbieter hat nicht funktioniert ({ $reason }). Versuchen Sie es erneut oder melden Sie sich anders an.
flow-email_taken = Ein Konto mit dieser E-Mail-Adresse gibt es hier schon. Melden Sie sich stattdessen damit an.
flow-invalid_passkey = Dieser Passkey kann hier nicht verwendet werden. Versuchen Sie es erneut oder melden Sie sich mit Ihrem Passwort an.
flow-invalid_code = Dieser Code stimmt nicht oder wurde bereits verwendet. Warten Sie auf den nächsten.
flow-too_many_attempts = { $n ->
    [one] Zu viele Fehlversuche. Versuchen Sie es in 1 Sekunde erneut.
   *[other] Zu viele Fehlversuche. Versuchen Sie es in { $n } Sekunden erneut.
}
flow-login_required = Melden Sie sich zuerst an.
flow-invalid_user_code = Dieser Code ist ungültig. Prüfen Sie den Code auf Ihrem Gerät und versuchen Sie es erneut.
flow-email_not_verified = Bestätigen Sie zuerst Ihre E-Mail-Adresse: Wir haben einen Link an { $email } gesendet. Öffnen Sie ihn und melden Sie sich dann erneut an.
flow-sign_up_closed = Dieser Dienst nimmt hier keine neuen Konten an. Bitten Sie die Verwaltung um eines.
flow-link_invalid = Dieser Link ist abgelaufen oder wurde bereits verwendet. Fordern Sie einen neuen an.
flow-internal_error = Bei uns ist etwas schiefgegangen. Bitte versuchen Sie es noch einmal.
invalid-password-length = Das Passwort muss 8 bis 1024 Zeichen lang sein.
invalid-password-common = Dies ist eines der häufigsten Passwörter. Wählen Sie eines, das schwerer zu erraten ist.
invalid-email-format = Geben Sie eine E-Mail-Adresse wie ada@example.com ein.
invalid-name-length = Der Name darf höchstens 200 Zeichen lang sein.
invalid-characters = Entfernen Sie die Steuer- oder Schreibrichtungszeichen.
invalid-passwords-differ = Die beiden Passwörter unterscheiden sich: Geben Sie zweimal dasselbe ein.
invalid-current-password = Das aktuelle Passwort ist nicht richtig.

## Times
time-just-now = gerade eben
time-in-a-moment = gleich
time-yesterday = gestern
time-minutes-ago = { $n ->
    [one] vor 1 Minute
   *[other] vor { $n } Minuten
}
time-in-minutes = { $n ->
    [one] in 1 Minute
   *[other] in { $n } Minuten
}
time-hours-ago = { $n ->
    [one] vor 1 Stunde
   *[other] vor { $n } Stunden
}
time-in-hours = { $n ->
    [one] in 1 Stunde
   *[other] in { $n } Stunden
}
time-days-ago = { $n ->
    [one] vor 1 Tag
   *[other] vor { $n } Tagen
}
time-in-days = { $n ->
    [one] in 1 Tag
   *[other] in { $n } Tagen
}
time-date = { $day }. { $month } { $year }
month-1 = Jan.
month-2 = Feb.
month-3 = März
month-4 = Apr.
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = Aug.
month-9 = Sept.
month-10 = Okt.
month-11 = Nov.
month-12 = Dez.
duration-minutes = { $n ->
    [one] 1 Minute
   *[other] { $n } Minuten
}
duration-hours = { $n ->
    [one] 1 Stunde
   *[other] { $n } Stunden
}
duration-days = { $n ->
    [one] 1 Tag
   *[other] { $n } Tage
}

## E-mail
mail-hello = Hallo,
mail-hello-name = Hallo { $name },
mail-or-open = Oder öffnen Sie diesen Link:
mail-password-reset-subject = Ihr Passwort für { $tenant } zurücksetzen
mail-password-reset-intro = Jemand hat darum gebeten, das Passwort Ihres Kontos bei { $tenant } zurückzusetzen. Wenn Sie das waren, wählen Sie ein neues Passwort:
mail-password-reset-button = Neues Passwort wählen
mail-password-reset-valid = Der Link gilt { $duration } und nur einmal. Wenn Sie nicht darum gebeten haben, ignorieren Sie diese Nachricht: Ihr Passwort bleibt, wie es ist.
mail-verify-email-subject = Bestätigen Sie Ihre E-Mail-Adresse für { $tenant }
mail-verify-email-intro = Bestätigen Sie, dass dies die Adresse Ihres Kontos bei { $tenant } ist:
mail-verify-email-button = Meine Adresse bestätigen
mail-verify-email-valid = Der Link gilt { $duration }. Wenn Sie kein Konto erstellt haben, ignorieren Sie diese Nachricht.
mail-account-exists-subject = Sie haben bereits ein Konto bei { $tenant }
mail-account-exists-intro = Jemand wollte mit Ihrer Adresse ein Konto bei { $tenant } erstellen, doch sie hat bereits eines. Wenn Sie das waren, melden Sie sich damit an; falls Sie das Passwort vergessen haben, legen Sie ein neues fest:
mail-account-exists-button = Mein Passwort zurücksetzen
mail-account-exists-not-you = Wenn Sie das nicht waren, ignorieren Sie diese Nachricht: Nichts wurde geändert.

## The deployment's home page
home-running = Dieser OpenID-Connect-Anbieter läuft (Version { $version }, Aussteller <code>{ $issuer }</code>).
home-dashboard = Verwaltungsoberfläche
home-api = Referenz der Verwaltungs-API (OpenAPI)
home-liveness = Lebendigkeit
home-readiness = Bereitschaft
home-metrics = Metriken
