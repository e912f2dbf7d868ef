"""Authlib, unmodified, as a Python relying party of the real `qeetid` binary.

The client asks for individual claims with the `claims` parameter and sends its
authorization request as a request object (RFC 9101) signed with its own RSA key
(joserfc, Authlib's JOSE library); the hosted login is driven over HTTP as a
browser would. Authlib exchanges the code with PKCE, and checks the ID token's
signature against the published JWK Set and its claims (iss, aud, nonce, exp).

A second client, authenticating with `private_key_jwt` (Authlib's PrivateKeyJWT),
exchanges the user's access token for a delegated one (RFC 8693).

Run by `cargo xtask interop` with QEETID_BIN naming the binary.
"""

import json
import os
import re
import socket
import subprocess
import tempfile
import time
import unittest
from urllib.parse import parse_qs, urljoin, urlparse

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oidc.core import CodeIDToken
from joserfc import jwk, jwt

ADMIN_KEY = "qak_python-interop-bootstrap-key-0123456789abcdef"
EMAIL = "ada@example.com"
PASSWORD = "correct horse battery"
REDIRECT_URI = "http://127.0.0.1:9/callback"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AuthlibRelyingParty(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        port = free_port()
        cls.issuer = f"http://localhost:{port}"
        env = dict(
            os.environ,
            QEETID_LISTEN=f"127.0.0.1:{port}",
            QEETID_DATABASE_URL=f"sqlite://{cls.dir.name}/qeetid.db",
            QEETID_DATA_DIR=cls.dir.name,
            QEETID_BOOTSTRAP_ADMIN_KEY=ADMIN_KEY,
            QEETID_LOG_LEVEL="warn",
        )
        cls.server = subprocess.Popen([os.environ["QEETID_BIN"], "serve"], env=env)
        # A server still starting may refuse the connection or answer late (a busy
        # machine): both mean "not yet". tearDownClass does not run when this
        # fails, so the server is stopped here.
        for _ in range(200):
            try:
                if requests.get(f"{cls.issuer}/readyz", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.1)
        else:
            cls.tearDownClass()
            raise RuntimeError("qeetid did not become ready")

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=30)
        cls.dir.cleanup()

    def admin(self, method, path, body=None):
        response = requests.request(
            method, f"{self.issuer}{path}", json=body, headers={"Authorization": f"ApiKey {ADMIN_KEY}"}
        )
        self.assertTrue(response.ok, f"{method} {path}: {response.status_code} {response.text}")
        return response.json()

    def sign_in(self, browser, authorize_url):
        """Follows the hosted login and consent as a person would; answers the callback URL."""
        location = authorize_url
        for _ in range(10):
            if location.startswith(REDIRECT_URI):
                return location
            page = browser.get(urljoin(self.issuer, location), allow_redirects=False)
            if page.status_code in (302, 303):
                location = page.headers["location"]
                continue
            self.assertEqual(page.status_code, 200, page.text)
            fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', page.text))
            if "/login" in location:
                form = {**fields, "email": EMAIL, "password": PASSWORD}
                answer = browser.post(f"{self.issuer}/login", data=form, allow_redirects=False)
            else:
                self.assertIn("See your e-mail address", page.text, "the claim asked for is on the consent page")
                form = {**fields, "decision": "allow"}
                answer = browser.post(f"{self.issuer}/v1/oauth/authorize/decision", data=form, allow_redirects=False)
            self.assertEqual(answer.status_code, 303, answer.text)
            location = answer.headers["location"]
        self.fail("the sign-in never reached the callback")

    def test_claims_parameter_and_a_signed_request_object(self):
        tenant = self.admin("POST", "/v1/tenants", {"name": "Acme"})["tenant"]["id"]
        self.admin("POST", f"/v1/tenants/{tenant}/users", {"email": EMAIL, "password": PASSWORD, "email_verified": True})
        key = jwk.RSAKey.generate_key(2048, parameters={"kid": "rp-1", "use": "sig"})
        client = self.admin(
            "POST",
            "/v1/oidc/clients",
            {
                "tenant_id": tenant,
                "name": "Authlib RP",
                "type": "confidential",
                "redirect_uris": [REDIRECT_URI],
                "jwks": {"keys": [key.as_dict(private=False)]},
                "request_object_signing_alg": "RS256",
            },
        )
        client_id, secret = client["client"]["id"], client["client_secret"]
        metadata = requests.get(f"{self.issuer}/.well-known/openid-configuration").json()
        self.assertTrue(metadata["claims_parameter_supported"] and metadata["request_parameter_supported"])

        session = OAuth2Session(
            client_id, secret, scope="openid", redirect_uri=REDIRECT_URI, code_challenge_method="S256"
        )
        verifier = "v" * 64
        nonce = "n-" + str(time.time_ns())
        claims = {"id_token": {"email": {"essential": True}}, "userinfo": {"email_verified": None}}
        # The request object carries the request; outside stay only client_id and request.
        url, state = session.create_authorization_url(
            metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce, claims=json.dumps(claims)
        )
        inside = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
        now = int(time.time())
        inside.update({"iss": client_id, "aud": self.issuer, "iat": now, "exp": now + 300})
        request_object = jwt.encode({"alg": "RS256", "kid": "rp-1"}, inside, key)
        outer = f"{metadata['authorization_endpoint']}?client_id={client_id}&request={request_object}"

        callback = self.sign_in(requests.Session(), outer)
        self.assertEqual(parse_qs(urlparse(callback).query)["iss"], [self.issuer], "RFC 9207")
        token = session.fetch_token(
            metadata["token_endpoint"], authorization_response=callback, state=state, code_verifier=verifier
        )

        jwks = requests.get(metadata["jwks_uri"]).json()
        id_token = jwt.decode(token["id_token"], jwk.KeySet.import_key_set(jwks), algorithms=["ES256", "RS256"])
        checked = CodeIDToken(id_token.claims, id_token.header, {"iss": {"values": [self.issuer]}}, {
            "nonce": nonce,
            "client_id": client_id,
        })
        checked.validate()
        self.assertEqual(checked["email"], EMAIL, "the e-mail asked for with the claims parameter")
        self.assertEqual(checked["aud"], client_id)

        info = session.get(metadata["userinfo_endpoint"]).json()
        self.assertEqual((info["sub"], info["email_verified"]), (checked["sub"], True))

    def test_token_exchange_with_private_key_jwt(self):
        tenant = self.admin("POST", "/v1/tenants", {"name": "Exchange"})["tenant"]["id"]
        self.admin("POST", f"/v1/tenants/{tenant}/users", {"email": EMAIL, "password": PASSWORD, "email_verified": True})
        web = self.admin(
            "POST",
            "/v1/oidc/clients",
            {
                "tenant_id": tenant,
                "name": "Web",
                "type": "confidential",
                "redirect_uris": [REDIRECT_URI],
                "scopes": ["openid", "email", "api:read"],
            },
        )
        key = jwk.RSAKey.generate_key(2048, parameters={"kid": "gw-1", "use": "sig"})
        exchange = "urn:ietf:params:oauth:grant-type:token-exchange"
        gateway = self.admin(
            "POST",
            "/v1/oidc/clients",
            {
                "tenant_id": tenant,
                "name": "Gateway",
                "type": "confidential",
                "grant_types": ["client_credentials", exchange],
                "scopes": ["api:read"],
                "token_endpoint_auth_method": "private_key_jwt",
                "jwks": {"keys": [key.as_dict(private=False)]},
                "token_exchange": {
                    "audiences": ["https://orders.example"],
                    "scopes": ["api:read"],
                    "subject_clients": [web["client"]["id"]],
                },
            },
        )
        metadata = requests.get(f"{self.issuer}/.well-known/openid-configuration").json()
        token_endpoint = metadata["token_endpoint"]

        # Ada signs in at the web client.
        user = OAuth2Session(
            web["client"]["id"],
            web["client_secret"],
            scope="openid email api:read",
            redirect_uri=REDIRECT_URI,
            code_challenge_method="S256",
        )
        verifier = "w" * 64
        url, state = user.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier)
        callback = self.sign_in(requests.Session(), url)
        subject = user.fetch_token(token_endpoint, authorization_response=callback, state=state, code_verifier=verifier)

        # The gateway, with its key: its own token (the actor), then the exchange.
        session = OAuth2Session(gateway["client"]["id"], key, token_endpoint_auth_method="private_key_jwt")
        session.register_client_auth_method(PrivateKeyJWT(token_endpoint, alg="RS256"))
        actor = session.fetch_token(token_endpoint, grant_type="client_credentials")
        access_token_type = "urn:ietf:params:oauth:token-type:access_token"
        exchanged = session.fetch_token(
            token_endpoint,
            grant_type=exchange,
            subject_token=subject["access_token"],
            subject_token_type=access_token_type,
            actor_token=actor["access_token"],
            actor_token_type=access_token_type,
            audience="https://orders.example",
        )
        self.assertEqual(exchanged["issued_token_type"], access_token_type)
        jwks = jwk.KeySet.import_key_set(requests.get(metadata["jwks_uri"]).json())
        claims = jwt.decode(exchanged["access_token"], jwks, algorithms=["ES256", "RS256"]).claims
        ada = jwt.decode(subject["access_token"], jwks, algorithms=["ES256", "RS256"]).claims["sub"]
        self.assertEqual(
            (claims["sub"], claims["aud"], claims["act"]["sub"], claims["scope"]),
            (ada, "https://orders.example", gateway["client"]["id"], "api:read"),
        )


if __name__ == "__main__":
    unittest.main()
