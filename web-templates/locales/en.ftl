# English: the hosted pages, the account page, e-mail and the messages they show.
# Every other catalogue has exactly these keys (a unit test checks it).

## Shared words
brand-help = Help
brand-privacy = Privacy
continue = Continue
close-page = You may close this page.
save = Save
actions = Actions
back-to-sign-in = Back to sign-in
continue-to = to continue to <strong>{ $client }</strong>
field-email = E-mail
field-password = Password
field-new-password = New password
field-repeat-password = Repeat the new password
field-current-password = Current password
field-name = Name
field-optional = (optional)
field-code = Code
field-tenant = Tenant

## Login
login-page-title = Sign in to { $client }
login-title = Sign in
login-submit = Sign in
login-forgot = Forgot password?
login-create-account = Create account
login-alternatives = Other ways to sign in
login-passkey = Sign in with a passkey
login-continue-with = Continue with { $provider }
notice-password-set = Your new password is set and you were signed out everywhere else. Sign in with it.
notice-email-verified = Your e-mail address is confirmed. Sign in to continue.

## Consent
consent-title = Allow { $client }?
consent-signed-in-as = Signed in as <strong>{ $email }</strong>
consent-self-registered = This app registered itself: its name is its own choice. It says its site is <strong>{ $site }</strong>. Continue only if that is the app you meant to use.
consent-would-like = <strong>{ $client }</strong> would like to:
consent-remember = Remember this decision
consent-deny = Deny
consent-allow = Allow
scope-openid = Sign you in with your account
scope-profile = See your name
scope-email = See your e-mail address
scope-offline_access = Stay connected when you are not using it (refresh tokens)
scope-other = Access “{ $scope }”

## Two-step verification
mfa-title = Two-step verification
mfa-enrol-intro = Signing in here takes a second step. Scan this code with an authenticator app (such as Google Authenticator, 1Password or Aegis), or type the key, then enter the 6-digit code it shows.
mfa-code-intro = Enter the 6-digit code from your authenticator app, or one of your recovery codes.
mfa-key = Key:
mfa-turn-on-continue = Turn on and continue
codes-page-title = Recovery codes
codes-title = Save your recovery codes
codes-warning = They are shown only now. Each one signs you in once if you lose your authenticator app.
codes-saved = I saved them, continue

## Device
device-title = Connect a device
device-intro = Enter the code shown on your TV, console or command line.
device-approved-title = Device connected
device-approved = You can return to your device; it will continue on its own. You may close this page.
device-denied-title = Request denied
device-denied = The device was not given access. You may close this page.

## Sign-out
logout-page-title = Sign out
logout-title = Sign out?
logout-client-asks = <strong>{ $client }</strong> asks to sign you out.
logout-about-to = You are about to sign out.
logout-everywhere = You will be signed out of every application that uses this account in this browser.
logout-submit = Sign out
logout-unverified = The application's sign-out request could not be verified, so you are not sent back to it.
logout-no-client = The sign-out request does not say which application sent it, so you are not sent back.
logout-unregistered = The return address is not registered for this application, so you are not sent back.
logged-out-page-title = Signed out
logged-out-title = You are signed out
logged-out-signing-out-of = { $n ->
    [one] Signing you out of 1 application…
   *[other] Signing you out of { $n } applications…
}
logged-out-frame = Signing out of an application
form-post-title = Returning to the application…
form-post-manual = If nothing happens, continue yourself.

## Sign-up
signup-title = Create your account
signup-password-rule = At least 8 characters, and not a common password.
signup-submit = Create account
signup-have-account = I have an account: sign in
signup-check-email-title = Check your e-mail
signup-check-email = We sent a message to { $email }. Open the link in it to confirm your address, then sign in. The link works for 24 hours.

## Forgotten password, new password, address confirmation
forgot-title = Reset your password
forgot-sent = If an account exists for <strong>{ $email }</strong>, we sent it a link to set a new password. The link works for 30 minutes.
forgot-no-message = No message? Check your spam folder, or ask again in a few minutes.
forgot-intro = Type the e-mail address you sign in with. We send it a link to choose a new password.
forgot-submit = Send the link
reset-title = Choose a new password
reset-for = for <strong>{ $email }</strong>. Setting it signs you out everywhere else.
reset-password-rule = At least 8 characters. A few unrelated words are easy to remember and hard to guess.
reset-submit = Set the password
verify-title = Confirm your e-mail address
verify-intro = Confirm that <strong>{ $email }</strong> is your address.
verify-submit = Confirm
link-dead-title = This link no longer works
link-dead = This link has expired or was already used.
link-ask-again = Ask for a new one with “Forgot password?” on the sign-in page.
link-sign-in-again = Sign in: if your address still needs confirming, a new link is sent then.
done-password-title = Your new password is set
done-password = You were signed out everywhere else. Sign in with the new password.
done-email-title = Your address is confirmed
done-email = You can sign in now.
go-to-account = Go to your account

## Account page
account-title = Your account
account-sign-out = Sign out
account-profile = Profile
account-email-verified = E-mail: { $email } (confirmed)
account-email-unverified = E-mail: { $email } (not confirmed)
account-change-password = Change your password
account-set-password = Set a password
account-no-password = You have no password yet; you may set one.
account-password-length = (8 characters or more)
account-password-signs-out = Changing it signs you out everywhere else.
account-password-submit = Change password
account-passkeys = Passkeys
account-passkeys-intro = Sign in with your fingerprint, face or screen lock instead of a password. A passkey counts as two factors on its own.
account-added = Added
account-last-used = Last used
account-rename = Rename
account-synced = synced
account-remove = Remove
account-no-passkeys = No passkeys yet.
account-passkey-name-hint = (such as “Laptop”)
account-add-passkey = Add a passkey
account-passkey-needs-js = Adding a passkey needs JavaScript.
account-mfa-on = On since { $since }: signing in asks for a code from your authenticator app.
account-codes-left = { $n ->
    [one] 1 recovery code left.
   *[other] { $n } recovery codes left.
}
account-codes-code = Code from your app, for new recovery codes
account-new-codes = New recovery codes
account-remove-code = Code from your app (or a recovery code), to turn it off
account-turn-off = Turn off
account-mfa-scan = Scan this code with an authenticator app (such as Google Authenticator, 1Password or Aegis), or type the key, then enter the 6-digit code it shows.
account-turn-off-mfa = Turn two-step verification off
account-turn-on = Turn on
account-mfa-off = Off. With it on, signing in also asks for a code from an authenticator app on your phone.
account-mfa-set-up = Set up an authenticator app
account-apps = Connected applications
account-app = Application
account-may-see = May see
account-since = Since
account-remove-access = Remove access
account-no-apps = No application has access to your account.
account-sessions = Where you are signed in
account-signed-in = Signed in
account-with = With
account-until = Until
account-this-browser = This browser
account-sign-out-others = Sign out everywhere else
account-signin-intro = Open this page from the link in your application, or enter your tenant's name in Qeet ID (its short name, such as acme).
account-unknown-tenant = No tenant goes by that name. Check the link your application gave you.
account-done-profile = Your profile was saved.
account-done-password = Your password was changed; you were signed out everywhere else.
account-done-app-removed = The application no longer has access to your account.
account-done-session-ended = That session was signed out.
account-done-others-ended = You were signed out everywhere else.
account-done-mfa-on = Two-step verification is on.
account-done-mfa-off = Two-step verification is off.
account-done-passkey-added = The passkey was added: you can sign in with it, without a password.
account-done-passkey-renamed = The passkey was renamed.
account-done-passkey-removed = The passkey was removed.
account-no-such-app = You have no such application.
account-no-such-session = You have no such session.
account-device = Device
device-browser-on-system = { $browser } on { $system }
device-unknown = Unknown browser
device-local-network = local network
device-network = network { $network }
amr-pwd = password
amr-otp = one-time code
amr-passkey = passkey
amr-fed = another provider
amr-mfa = two factors

## What went wrong
error-code = Error code:
error-cannot-continue = Cannot continue
error-not-found-title = Page not found
error-not-found = There is nothing at this address.
error-not-found-short = Not found
error-bad-sign-in-link = This sign-in link is not valid
error-bad-sign-out-link = This sign-out link is not valid
error-misconfigured = { $reason } The application that sent you here is misconfigured; nothing was shared with it.
error-unavailable-title = Temporarily unavailable
error-unavailable = The service is temporarily unavailable (its database is not answering). Please try again in a few seconds.
error-internal-title = Something went wrong
error-internal = Please try again in a moment.
error-form-expired-title = Form expired
error-form-expired = Reload the page and try again.
flow-request_not_found = This sign-in request has expired or is not valid in this browser. Start again from the application.
flow-csrf_mismatch = The form could not be verified. Reload the page and try again.
flow-invalid_credentials = Wrong e-mail or password.
flow-account_disabled = This account is disabled. Ask an administrator of this service.
flow-upstream_failed = Signing in through another provider did not work ({ $reason }). Try again, or sign in another way.
flow-email_taken = An account with this e-mail address already exists here. Sign in with it instead.
flow-invalid_passkey = That passkey could not be used here. Try again, or sign in with your password.
flow-invalid_code = That code is not right, or was already used. Wait for the next one.
flow-too_many_attempts = { $n ->
    [one] Too many failed attempts. Try again in 1 second.
   *[other] Too many failed attempts. Try again in { $n } seconds.
}
flow-login_required = Sign in first.
flow-invalid_user_code = That code is not valid. Check the code on your device and try again.
flow-email_not_verified = Confirm your e-mail address first: we sent a link to { $email }. Open it, then sign in again.
flow-sign_up_closed = This service does not take new accounts here. Ask its administrator for one.
flow-link_invalid = This link has expired or was already used. Ask for a new one.
flow-internal_error = Something went wrong on our side. Please try again.
invalid-password-length = The password must be 8 to 1024 characters.
invalid-password-common = This is one of the most common passwords. Choose one that is harder to guess.
invalid-email-format = Type an e-mail address such as ada@example.com.
invalid-name-length = The name may be at most 200 characters.
invalid-characters = Remove the control or text-direction characters.
invalid-passwords-differ = The two passwords differ: type the same one twice.
invalid-current-password = The current password is not right.

## Times
time-just-now = just now
time-in-a-moment = in a moment
time-yesterday = yesterday
time-minutes-ago = { $n ->
    [one] 1 minute ago
   *[other] { $n } minutes ago
}
time-in-minutes = { $n ->
    [one] in 1 minute
   *[other] in { $n } minutes
}
time-hours-ago = { $n ->
    [one] 1 hour ago
   *[other] { $n } hours ago
}
time-in-hours = { $n ->
    [one] in 1 hour
   *[other] in { $n } hours
}
time-days-ago = { $n ->
    [one] 1 day ago
   *[other] { $n } days ago
}
time-in-days = { $n ->
    [one] in 1 day
   *[other] in { $n } days
}
time-date = { $day } { $month } { $year }
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec
duration-minutes = { $n ->
    [one] 1 minute
   *[other] { $n } minutes
}
duration-hours = { $n ->
    [one] 1 hour
   *[other] { $n } hours
}
duration-days = { $n ->
    [one] 1 day
   *[other] { $n } days
}

## E-mail
mail-hello = Hello,
mail-hello-name = Hello { $name },
mail-or-open = Or open this link:
mail-password-reset-subject = Reset your { $tenant } password
mail-password-reset-intro = Someone asked to reset the password of your { $tenant } account. If it was you, choose a new password:
mail-password-reset-button = Choose a new password
mail-password-reset-valid = The link works for { $duration } and only once. If you did not ask, ignore this message: your password stays as it is.
mail-verify-email-subject = Confirm your e-mail address for { $tenant }
mail-verify-email-intro = Confirm that this is the address of your { $tenant } account:
mail-verify-email-button = Confirm my address
mail-verify-email-valid = The link works for { $duration }. If you did not create an account, ignore this message.
mail-account-exists-subject = You already have a { $tenant } account
mail-account-exists-intro = Someone tried to create a { $tenant } account with your address, which already has one. If it was you, sign in with it; if you forgot the password, set a new one:
mail-account-exists-button = Reset my password
mail-account-exists-not-you = If it was not you, ignore this message: nothing changed.

## The deployment's home page
home-running = This OpenID Connect provider is running (version { $version }, issuer <code>{ $issuer }</code>).
home-dashboard = Admin dashboard
home-api = Admin API reference (OpenAPI)
home-liveness = Liveness
home-readiness = Readiness
home-metrics = Metrics
