#!/usr/bin/env bash
# The steps of docs/deploy.md, run for real: Qeet ID from an empty directory behind nginx
# (TLS, its own host name, trusted proxy), a user signs in, a backup, a wipe, a restore,
# and the same user signs in again with the same keys.
#
#   deploy/smoke-test.sh path/to/qeetid
#
# Needs nginx, openssl and curl (`cargo xtask setup` installs them). The host name
# resolves through curl's --resolve; nothing on the machine is changed.
set -euo pipefail

QEETID=$(realpath "${1:?usage: deploy/smoke-test.sh path/to/qeetid}")
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/qeetid-deploy.XXXXXX)
HOST=id.qeetid.test
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
APP_PORT=$(free_port)
TLS_PORT=$(free_port)
ISSUER="https://$HOST:$TLS_PORT"
SERVER_PID=""
NGINX_PID=""

cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; [ -f "$WORK/server.log" ] && tail -20 "$WORK/server.log" >&2; exit 1; }
# curl through nginx, trusting the test certificate, with one browser's cookie jar.
web() { curl -sS --resolve "$HOST:$TLS_PORT:127.0.0.1" --cacert "$WORK/tls/tls.crt" -b "$WORK/jar" -c "$WORK/jar" "$@"; }
hidden() { grep -o "name=\"$1\" value=\"[^\"]*\"" | head -1 | sed 's/.*value="//; s/"$//'; }

cd "$WORK"

step "settings (docs/deploy.md §2) and a certificate for $HOST"
mkdir -p tls etc data
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -days 1 -nodes -subj "/CN=$HOST" \
  -addext "subjectAltName=DNS:$HOST" -keyout tls/tls.key -out tls/tls.crt 2>/dev/null
cat > etc/qeetid.env <<EOF
QEETID_ISSUER=$ISSUER
QEETID_LISTEN=127.0.0.1:$APP_PORT
QEETID_TRUSTED_PROXIES=127.0.0.1
QEETID_LOG_FORMAT=json
QEETID_DATA_DIR=$WORK/data
QEETID_PASSWORD_HASHING__MEMORY_KIB=8192
EOF
set -a; . etc/qeetid.env; set +a
"$QEETID" check-config > check-config.txt || fail "check-config refused the settings"
grep -q "trusted_proxies = \[\"127.0.0.1\"\]" check-config.txt || fail "check-config does not show trusted_proxies"

start_server() {
  "$QEETID" serve >> "$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    "$QEETID" probe 2>/dev/null && return 0
    sleep 0.1
  done
  fail "the server did not become ready"
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

step "first start (§4): the bootstrap key is printed once"
start_server
grep -q "Bootstrap admin API key" server.log || fail "no bootstrap key on first start"
[ "$(stat -c %a data/key-encryption-key)" = 600 ] || fail "the key file is not 0600"

step "nginx in front (§3), from deploy/nginx.conf"
sed -e "s|listen 443 ssl;|listen 127.0.0.1:$TLS_PORT ssl;|" \
    -e "s|server_name id.example.com;|server_name $HOST;|" \
    -e "s|/etc/ssl/qeetid/|$WORK/tls/|g" \
    -e "s|proxy_pass http://127.0.0.1:8080;|proxy_pass http://127.0.0.1:$APP_PORT;|" \
    "$HERE/nginx.conf" > site.conf
cat > nginx.conf <<EOF
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events {}
http {
  access_log off;
  client_body_temp_path $WORK/nginx-body; proxy_temp_path $WORK/nginx-proxy;
  fastcgi_temp_path $WORK/nginx-fcgi; uwsgi_temp_path $WORK/nginx-uwsgi; scgi_temp_path $WORK/nginx-scgi;
  include $WORK/site.conf;
}
EOF
nginx -c "$WORK/nginx.conf" -p "$WORK" &
NGINX_PID=$!
for _ in $(seq 1 50); do web -o /dev/null "$ISSUER/readyz" 2>/dev/null && break; sleep 0.1; done

discovery=$(web "$ISSUER/.well-known/openid-configuration")
echo "$discovery" | grep -q "\"issuer\":\"$ISSUER\"" || fail "discovery does not name $ISSUER: $discovery"
web -D headers.txt -o /dev/null "$ISSUER/healthz"
grep -qi "strict-transport-security" headers.txt || fail "no HSTS on an https issuer"

step "a demo tenant (qeetid seed), and a user signing in through the proxy"
"$QEETID" seed > seed.txt
grep -q "$ISSUER" seed.txt || fail "seed does not link to the issuer"
CLIENT_ID=$(grep -o 'WEB_CLIENT_ID=[^ ]*' seed.txt | cut -d= -f2)
CLIENT_SECRET=$(grep -o 'WEB_CLIENT_SECRET=[^ ]*' seed.txt | cut -d= -f2)
TENANT=$(grep -o 'TENANT=[^ ]*' seed.txt | cut -d= -f2)
API_KEY=$(grep -o 'QEETID_API_KEY=[^ ]*' seed.txt | cut -d= -f2)
EMAIL=$(awk '$1 == "user" { print $2 }' seed.txt)
PASSWORD=$(awk '$1 == "user" { print $4 }' seed.txt)
REDIRECT=http://localhost:3000/auth/callback

# The authorization code flow with PKCE, as a browser does it, through nginx.
sign_in() {
  rm -f "$WORK/jar"
  local verifier challenge location page request csrf code
  verifier=$(openssl rand -hex 32)
  challenge=$(printf %s "$verifier" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=')
  location=$(web -o /dev/null -w '%{redirect_url}' --get "$ISSUER/v1/oauth/authorize" \
    --data-urlencode response_type=code --data-urlencode "client_id=$CLIENT_ID" \
    --data-urlencode "redirect_uri=$REDIRECT" --data-urlencode "scope=openid email" \
    --data-urlencode state=s1 --data-urlencode "code_challenge=$challenge" --data-urlencode code_challenge_method=S256)
  page=$(web "$location")
  request=$(echo "$page" | hidden request); csrf=$(echo "$page" | hidden csrf_token)
  location=$(web -o /dev/null -w '%{redirect_url}' --data-urlencode "request=$request" \
    --data-urlencode "csrf_token=$csrf" --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" "$ISSUER/login")
  case "$location" in *"/consent"*)
    page=$(web "$location")
    request=$(echo "$page" | hidden request); csrf=$(echo "$page" | hidden csrf_token)
    location=$(web -o /dev/null -w '%{redirect_url}' --data-urlencode "request=$request" \
      --data-urlencode "csrf_token=$csrf" --data-urlencode decision=allow --data-urlencode remember=true \
      "$ISSUER/v1/oauth/authorize/decision");;
  esac
  case "$location" in "$REDIRECT?"*) ;; *) fail "sign-in did not return to the client: $location";; esac
  code=$(echo "$location" | sed 's/.*[?&]code=\([^&]*\).*/\1/')
  web -u "$CLIENT_ID:$CLIENT_SECRET" --data-urlencode grant_type=authorization_code \
    --data-urlencode "code=$code" --data-urlencode "redirect_uri=$REDIRECT" \
    --data-urlencode "code_verifier=$verifier" "$ISSUER/v1/oauth/token"
}
tokens=$(sign_in)
ACCESS_TOKEN=$(echo "$tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
KIDS_BEFORE=$(web "$ISSUER/.well-known/jwks.json" | python3 -c 'import json,sys; print(sorted(k["kid"] for k in json.load(sys.stdin)["keys"]))')

# The audit trail saw the address nginx forwarded (the proxy is trusted), not nginx's own.
events=$(web -H "Authorization: ApiKey $API_KEY" "$ISSUER/v1/tenants/$TENANT/events?type=sign_in.succeeded")
echo "$events" | grep -q '"sign_in.succeeded"' || fail "no sign-in event: $events"
grep -q '"target":"qeetid::access"' server.log || fail "no access log line"

step "backup (§6) while the server runs"
"$QEETID" backup "$WORK/backup" > backup.txt
[ -f backup/qeetid.db ] && [ -f backup/key-encryption-key ] || fail "the backup lacks a file: $(cat backup.txt)"
KEK_ID=$("$QEETID" kek status | awk '/\(seals\)/ { print $1 }')

step "wipe, restore, start again"
stop_server
rm -rf data && mkdir -m 0700 data
install -m 0600 backup/qeetid.db data/qeetid.db
install -m 0600 backup/key-encryption-key data/key-encryption-key
start_server
[ "$("$QEETID" kek status | awk '/\(seals\)/ { print $1 }')" = "$KEK_ID" ] || fail "another key-encryption key after the restore"
KIDS_AFTER=$(web "$ISSUER/.well-known/jwks.json" | python3 -c 'import json,sys; print(sorted(k["kid"] for k in json.load(sys.stdin)["keys"]))')
[ "$KIDS_BEFORE" = "$KIDS_AFTER" ] || fail "the signing keys changed: $KIDS_BEFORE / $KIDS_AFTER"
active=$(web -u "$CLIENT_ID:$CLIENT_SECRET" --data-urlencode "token=$ACCESS_TOKEN" "$ISSUER/v1/oauth/introspect")
echo "$active" | grep -q '"active":true' || fail "a token from before the backup is not active: $active"
sign_in > /dev/null

step "a restore with the wrong key is refused, naming both keys"
stop_server
"$QEETID" kek generate > data/key-encryption-key 2>/dev/null
if "$QEETID" serve > wrong.log 2>&1; then fail "the server started with a wrong key"; fi
grep -q "$KEK_ID" wrong.log || fail "the refusal does not name the expected key: $(cat wrong.log)"

printf '\ndeploy smoke test: passed (%s)\n' "$ISSUER"
