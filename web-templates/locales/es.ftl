# Español: las páginas alojadas, la página de la cuenta, los correos y sus mensajes.

## Shared words
brand-help = Ayuda
brand-privacy = Privacidad
continue = Continuar
close-page = Puedes cerrar esta página.
save = Guardar
actions = Acciones
back-to-sign-in = Volver a iniciar sesión
continue-to = para continuar en <strong>{ $client }</strong>
field-email = Correo electrónico
field-password = Contraseña
field-new-password = Contraseña nueva
field-repeat-password = Repite la contraseña nueva
field-current-password = Contraseña actual
field-name = Nombre
field-optional = (opcional)
field-code = Código
field-tenant = Inquilino

## Login
login-page-title = Iniciar sesión en { $client }
login-title = Iniciar sesión
login-submit = Iniciar sesión
login-forgot = ¿Olvidaste tu contraseña?
login-create-account = Crear cuenta
login-alternatives = Otras formas de iniciar sesión
login-passkey = Iniciar sesión con una llave de acceso
login-continue-with = Continuar con { $provider }
notice-password-set = Tu nueva contraseña está guardada y se cerró tu sesión en todos los demás sitios. Inicia sesión con ella.
notice-email-verified = Tu dirección de correo está confirmada. Inicia sesión para continuar.

## Consent
consent-title = ¿Permitir a { $client }?
consent-signed-in-as = Sesión iniciada como <strong>{ $email }</strong>
consent-self-registered = Esta aplicación se registró sola: su nombre lo eligió ella. Dice que su sitio es <strong>{ $site }</strong>. Continúa solo si es la aplicación que querías usar.
consent-would-like = <strong>{ $client }</strong> quiere:
consent-remember = Recordar esta decisión
consent-deny = Denegar
consent-allow = Permitir
scope-openid = Iniciar tu sesión con tu cuenta
scope-profile = Ver tu nombre
scope-email = Ver tu dirección de correo
scope-offline_access = Seguir conectada cuando no la usas (tokens de actualización)
scope-other = Acceder a «{ $scope }»

## Two-step verification
mfa-title = Verificación en dos pasos
mfa-enrol-intro = Iniciar sesión aquí requiere un segundo paso. Escanea este código con una aplicación de autenticación (como Google Authenticator, 1Password o Aegis), o escribe la clave, y luego introduce el código de 6 dígitos que muestre.
mfa-code-intro = Introduce el código de 6 dígitos de tu aplicación de autenticación o uno de tus códigos de recuperación.
mfa-key = Clave:
mfa-turn-on-continue = Activar y continuar
codes-page-title = Códigos de recuperación
codes-title = Guarda tus códigos de recuperación
codes-warning = Solo se muestran ahora. Cada uno te permite iniciar sesión una vez si pierdes tu aplicación de autenticación.
codes-saved = Ya los guardé, continuar

## Device
device-title = Conectar un dispositivo
device-intro = Introduce el código que aparece en tu televisor, consola o línea de comandos.
device-approved-title = Dispositivo conectado
device-approved = Puedes volver a tu dispositivo; seguirá solo. Puedes cerrar esta página.
device-denied-title = Solicitud denegada
device-denied = El dispositivo no obtuvo acceso. Puedes cerrar esta página.

## Sign-out
logout-page-title = Cerrar sesión
logout-title = ¿Cerrar sesión?
logout-client-asks = <strong>{ $client }</strong> pide cerrar tu sesión.
logout-about-to = Estás a punto de cerrar sesión.
logout-everywhere = Se cerrará tu sesión en todas las aplicaciones que usan esta cuenta en este navegador.
logout-submit = Cerrar sesión
logout-unverified = No se pudo verificar la solicitud de cierre de sesión de la aplicación, así que no se te devuelve a ella.
logout-no-client = La solicitud de cierre de sesión no indica qué aplicación la envió, así que no se te devuelve.
logout-unregistered = La dirección de retorno no está registrada para esta aplicación, así que no se te devuelve.
logged-out-page-title = Sesión cerrada
logged-out-title = Has cerrado sesión
logged-out-signing-out-of = { $n ->
    [one] Cerrando tu sesión en 1 aplicación…
   *[other] Cerrando tu sesión en { $n } aplicaciones…
}
logged-out-frame = Cerrando sesión en una aplicación
form-post-title = Volviendo a la aplicación…
form-post-manual = Si no ocurre nada, continúa tú.

## Sign-up
signup-title = Crea tu cuenta
signup-password-rule = Al menos 8 caracteres y que no sea una contraseña común.
signup-submit = Crear cuenta
signup-have-account = Ya tengo una cuenta: iniciar sesión
signup-check-email-title = Revisa tu correo
signup-check-email = Enviamos un mensaje a { $email }. Abre el enlace que contiene para confirmar tu dirección y luego inicia sesión. El enlace funciona durante 24 horas.

## Forgotten password, new password, address confirmation
forgot-title = Restablecer tu contraseña
forgot-sent = Si existe una cuenta para <strong>{ $email }</strong>, le enviamos un enlace para elegir una contraseña nueva. El enlace funciona durante 30 minutos.
forgot-no-message = ¿No llega nada? Revisa la carpeta de spam o vuelve a pedirlo en unos minutos.
forgot-intro = Escribe la dirección de correo con la que inicias sesión. Le enviamos un enlace para elegir una contraseña nueva.
forgot-submit = Enviar el enlace
reset-title = Elige una contraseña nueva
reset-for = para <strong>{ $email }</strong>. Al guardarla se cierra tu sesión en todos los demás sitios.
reset-password-rule = Al menos 8 caracteres. Unas cuantas palabras sin relación son fáciles de recordar y difíciles de adivinar.
reset-submit = Guardar la contraseña
verify-title = Confirma tu dirección de correo
verify-intro = Confirma que <strong>{ $email }</strong> es tu dirección.
verify-submit = Confirmar
link-dead-title = Este enlace ya no funciona
link-dead = Este enlace caducó o ya se usó.
link-ask-again = Pide uno nuevo con «¿Olvidaste tu contraseña?» en la página de inicio de sesión.
link-sign-in-again = Inicia sesión: si tu dirección aún debe confirmarse, se enviará entonces un enlace nuevo.
done-password-title = Tu nueva contraseña está guardada
done-password = Se cerró tu sesión en todos los demás sitios. Inicia sesión con la contraseña nueva.
done-email-title = Tu dirección está confirmada
done-email = Ya puedes iniciar sesión.
go-to-account = Ir a tu cuenta

## Account page
account-title = Tu cuenta
account-sign-out = Cerrar sesión
account-profile = Perfil
account-email-verified = Correo: { $email } (confirmado)
account-email-unverified = Correo: { $email } (sin confirmar)
account-change-password = Cambiar tu contraseña
account-set-password = Establecer una contraseña
account-no-password = Aún no tienes contraseña; puedes establecer una.
account-password-length = (8 caracteres o más)
account-password-signs-out = Cambiarla cierra tu sesión en todos los demás sitios.
account-password-submit = Cambiar la contraseña
account-passkeys = Llaves de acceso
account-passkeys-intro = Inicia sesión con tu huella, tu cara o el bloqueo de pantalla en lugar de una contraseña. Una llave de acceso cuenta por sí sola como dos factores.
account-added = Añadida
account-last-used = Último uso
account-rename = Renombrar
account-synced = sincronizada
account-remove = Quitar
account-no-passkeys = Aún no hay llaves de acceso.
account-passkey-name-hint = (como «Portátil»)
account-add-passkey = Añadir una llave de acceso
account-passkey-needs-js = Para añadir una llave de acceso se necesita JavaScript.
account-mfa-on = Activada desde { $since }: al iniciar sesión se pide un código de tu aplicación de autenticación.
account-codes-left = { $n ->
    [one] Queda 1 código de recuperación.
   *[other] Quedan { $n } códigos de recuperación.
}
account-codes-code = Código de tu aplicación, para nuevos códigos de recuperación
account-new-codes = Nuevos códigos de recuperación
account-remove-code = Código de tu aplicación (o un código de recuperación), para desactivarla
account-turn-off = Desactivar
account-mfa-scan = Escanea este código con una aplicación de autenticación (como Google Authenticator, 1Password o Aegis), o escribe la clave, y luego introduce el código de 6 dígitos que muestre.
account-turn-off-mfa = Desactivar la verificación en dos pasos
account-turn-on = Activar
account-mfa-off = Desactivada. Si la activas, al iniciar sesión también se pedirá un código de una aplicación de autenticación en tu teléfono.
account-mfa-set-up = Configurar una aplicación de autenticación
account-apps = Aplicaciones conectadas
account-app = Aplicación
account-may-see = Puede ver
account-since = Desde
account-remove-access = Quitar el acceso
account-no-apps = Ninguna aplicación tiene acceso a tu cuenta.
account-sessions = Dónde tienes la sesión iniciada
account-signed-in = Inicio de sesión
account-with = Con
account-until = Hasta
account-this-browser = Este navegador
account-sign-out-others = Cerrar sesión en los demás sitios
account-signin-intro = Abre esta página desde el enlace de tu aplicación o escribe el nombre de tu inquilino en Qeet ID (su nombre corto, como acme).
account-unknown-tenant = Ningún inquilino se llama así. Revisa el enlace que te dio tu aplicación.
account-done-profile = Se guardó tu perfil.
account-done-password = Se cambió tu contraseña; se cerró tu sesión en todos los demás sitios.
account-done-app-removed = La aplicación ya no tiene acceso a tu cuenta.
account-done-session-ended = Se cerró esa sesión.
account-done-others-ended = Se cerró tu sesión en todos los demás sitios.
account-done-mfa-on = La verificación en dos pasos está activada.
account-done-mfa-off = La verificación en dos pasos está desactivada.
account-done-passkey-added = Se añadió la llave de acceso: puedes iniciar sesión con ella, sin contraseña.
account-done-passkey-renamed = Se renombró la llave de acceso.
account-done-passkey-removed = Se quitó la llave de acceso.
account-no-such-app = No tienes esa aplicación.
account-no-such-session = No tienes esa sesión.
account-device = Dispositivo
device-browser-on-system = { $browser } en { $system }
device-unknown = Navegador desconocido
device-local-network = red local
device-network = red { $network }
amr-pwd = contraseña
amr-otp = código de un solo uso
amr-passkey = llave de acceso
amr-fed = otro proveedor
amr-mfa = dos factores

## What went wrong
error-code = Código de error:
error-cannot-continue = No se puede continuar
error-not-found-title = Página no encontrada
error-not-found = No hay nada en esta dirección.
error-not-found-short = No encontrado
error-bad-sign-in-link = Este enlace de inicio de sesión no es válido
error-bad-sign-out-link = Este enlace de cierre de sesión no es válido
error-misconfigured = { $reason } La aplicación que te envió aquí está mal configurada; no se compartió nada con ella.
error-unavailable-title = No disponible temporalmente
error-unavailable = El servicio no está disponible temporalmente. Vuelve a intentarlo en un momento.
error-internal-title = Algo salió mal
error-internal = Vuelve a intentarlo en un momento.
error-form-expired-title = El formulario caducó
error-form-expired = Recarga la página y vuelve a intentarlo.
flow-request_not_found = Esta solicitud de inicio de sesión caducó o no es válida en este navegador. Vuelve a empezar desde la aplicación.
flow-csrf_mismatch = No se pudo verificar el formulario. Recarga la página y vuelve a intentarlo.
flow-invalid_credentials = Correo o contraseña incorrectos.
flow-account_disabled = Esta cuenta está desactivada. Pide ayuda a un administrador de este servicio.
flow-upstream_failed = El inicio de sesión con otro proveedor no funcionó ({ $reason }). Vuelve a intentarlo o inicia sesión de otra forma.
flow-email_taken = Ya existe aquí una cuenta con esta dirección de correo. Inicia sesión con ella.
flow-invalid_passkey = Esa llave de acceso no se puede usar aquí. Vuelve a intentarlo o inicia sesión con tu contraseña.
flow-invalid_code = Ese código no es correcto o ya se usó. Espera al siguiente.
flow-too_many_attempts = { $n ->
    [one] Demasiados intentos fallidos. Vuelve a intentarlo en 1 segundo.
   *[other] Demasiados intentos fallidos. Vuelve a intentarlo en { $n } segundos.
}
flow-login_required = Inicia sesión primero.
flow-invalid_user_code = Ese código no es válido. Revisa el código en tu dispositivo y vuelve a intentarlo.
flow-email_not_verified = Confirma primero tu dirección de correo: enviamos un enlace a { $email }. Ábrelo y vuelve a iniciar sesión.
flow-sign_up_closed = Este servicio no acepta cuentas nuevas aquí. Pide una a su administrador.
flow-link_invalid = Este enlace caducó o ya se usó. Pide uno nuevo.
flow-internal_error = Algo salió mal por nuestra parte. Vuelve a intentarlo.
invalid-password-length = La contraseña debe tener de 8 a 1024 caracteres.
invalid-password-common = Es una de las contraseñas más comunes. Elige una más difícil de adivinar.
invalid-email-format = Escribe una dirección de correo como ada@example.com.
invalid-name-length = El nombre puede tener como máximo 200 caracteres.
invalid-characters = Quita los caracteres de control o de dirección del texto.
invalid-passwords-differ = Las dos contraseñas no coinciden: escribe la misma dos veces.
invalid-current-password = La contraseña actual no es correcta.

## Times
time-just-now = ahora mismo
time-in-a-moment = en un momento
time-yesterday = ayer
time-minutes-ago = { $n ->
    [one] hace 1 minuto
   *[other] hace { $n } minutos
}
time-in-minutes = { $n ->
    [one] en 1 minuto
   *[other] en { $n } minutos
}
time-hours-ago = { $n ->
    [one] hace 1 hora
   *[other] hace { $n } horas
}
time-in-hours = { $n ->
    [one] en 1 hora
   *[other] en { $n } horas
}
time-days-ago = { $n ->
    [one] hace 1 día
   *[other] hace { $n } días
}
time-in-days = { $n ->
    [one] en 1 día
   *[other] en { $n } días
}
time-date = { $day } { $month } { $year }
month-1 = ene
month-2 = feb
month-3 = mar
month-4 = abr
month-5 = may
month-6 = jun
month-7 = jul
month-8 = ago
month-9 = sept
month-10 = oct
month-11 = nov
month-12 = dic
duration-minutes = { $n ->
    [one] 1 minuto
   *[other] { $n } minutos
}
duration-hours = { $n ->
    [one] 1 hora
   *[other] { $n } horas
}
duration-days = { $n ->
    [one] 1 día
   *[other] { $n } días
}

## E-mail
mail-hello = Hola:
mail-hello-name = Hola, { $name }:
mail-or-open = O abre este enlace:
mail-password-reset-subject = Restablece tu contraseña de { $tenant }
mail-password-reset-intro = Alguien pidió restablecer la contraseña de tu cuenta de { $tenant }. Si fuiste tú, elige una contraseña nueva:
mail-password-reset-button = Elegir una contraseña nueva
mail-password-reset-valid = El enlace funciona durante { $duration } y una sola vez. Si no lo pediste, ignora este mensaje: tu contraseña no cambia.
mail-verify-email-subject = Confirma tu dirección de correo para { $tenant }
mail-verify-email-intro = Confirma que esta es la dirección de tu cuenta de { $tenant }:
mail-verify-email-button = Confirmar mi dirección
mail-verify-email-valid = El enlace funciona durante { $duration }. Si no creaste una cuenta, ignora este mensaje.
mail-account-exists-subject = Ya tienes una cuenta de { $tenant }
mail-account-exists-intro = Alguien intentó crear una cuenta de { $tenant } con tu dirección, que ya tiene una. Si fuiste tú, inicia sesión con ella; si olvidaste la contraseña, elige una nueva:
mail-account-exists-button = Restablecer mi contraseña
mail-account-exists-not-you = Si no fuiste tú, ignora este mensaje: no cambió nada.

## The deployment's home page
home-running = Este proveedor de OpenID Connect está en marcha (versión { $version }, emisor <code>{ $issuer }</code>).
home-dashboard = Panel de administración
home-api = Referencia de la API de administración (OpenAPI)
home-liveness = Actividad
home-readiness = Disponibilidad
home-metrics = Métricas
