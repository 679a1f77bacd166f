# Loaded by the Python that runs moto_server for the local run (startEmulator puts this folder
# first on its PYTHONPATH), and by nothing else.
#
# moto_server runs Werkzeug's threaded development server, which speaks HTTP/1.1 and keeps
# connections alive. Under load the AWS provider then sometimes lost the answer to a request that
# moto had already carried out, and retried it: a retried CreatePolicy met its own policy
# ("EntityAlreadyExists") and the deploy failed. HTTP/1.0 closes each connection after its
# answer, so no answer is lost on a reused connection (measured: 5 retries over 4 deploy logs
# with HTTP/1.1, none over 24 with HTTP/1.0, under the same CPU load).
import werkzeug.serving

werkzeug.serving.WSGIRequestHandler.protocol_version = "HTTP/1.0"

# moto gives every KMS key an RSA-2048 private key when it is created, symmetric keys too, which
# only ever use their AES key material: that key generation was most of the emulator's CPU time in
# the tests (about 55 ms a key, three keys a deployment). The private key is now made the first
# time something uses it (Sign, Verify, GetPublicKey), so an asymmetric key behaves as before.
import moto.kms.models


class _PrivateKeyOnFirstUse:
    def __init__(self, key_spec):
        self._key_spec = key_spec
        self._key = None

    def __getattr__(self, name):
        if self._key is None:
            self._key = _generate_private_key(self._key_spec)
        return getattr(self._key, name)


_generate_private_key = moto.kms.models.generate_private_key
moto.kms.models.generate_private_key = _PrivateKeyOnFirstUse
