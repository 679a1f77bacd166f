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
