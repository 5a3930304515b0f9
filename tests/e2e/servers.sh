# Real servers on loopback for end-to-end cases (source after lib.sh): nginx serving an output root with
# prerender's generated include, and Varnish 7 with the xkey vmod in front. Every daemon keeps its state in
# $WORK/servers, listens on a free 127.0.0.1 port, and is stopped by pidfile when the case exits.
# Where a server cannot start, the case is skipped with the reason, except on CI (CI set), where it fails.

SERVERS="$WORK/servers"
mkdir -p "$SERVERS"

servers_stop() {
  stop_by_pidfiles "$SERVERS"/nginx.pid "$SERVERS"/varnish.pid "$SERVERS"/s3-proxy.pid "$SERVERS"/moto.pid
}
trap 'servers_stop; rm -rf "$WORK"' EXIT

# server_unavailable REASON: skip, or fail on CI.
server_unavailable() {
  if [[ -n "${CI:-}" ]]; then fail "on CI the servers must start: $*"; fi
  skip "$*"
}

require_servers() {
  local tool
  for tool in nginx varnishd varnishadm curl; do
    command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin" command -v "$tool" >/dev/null 2>&1 ||
      server_unavailable "$tool is not installed (scripts/setup --test installs nginx-light, varnish, varnish-modules, curl)"
  done
  PATH="$PATH:/usr/sbin"
}

free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for DESCRIPTION LOG COMMAND...: retries COMMAND for up to 10 s; prints LOG and gives up otherwise.
wait_for() {
  local what=$1 log=$2
  shift 2
  for _ in $(seq 100); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "--- $log" >&2; cat "$log" >&2 2>/dev/null || true
  server_unavailable "$what did not become ready within 10 s"
}

# start_nginx CONF_DIR [EXTRA_SERVER_LINES]: nginx with CONF_DIR/nginx-http.conf and nginx-server.conf
# (prerender publish-config); sets NGINX_PORT. The access log is $SERVERS/access.log.
start_nginx() {
  local conf=$1 extra=${2:-}
  NGINX_PORT=$(free_port)
  cat >"$SERVERS/nginx.conf" <<CONF
user root;
worker_processes 1;
pid $SERVERS/nginx.pid;
error_log $SERVERS/nginx-error.log;
events { worker_connections 512; }
http {
    access_log $SERVERS/access.log;
    client_body_temp_path $SERVERS/tmp_body;  proxy_temp_path $SERVERS/tmp_proxy;
    fastcgi_temp_path $SERVERS/tmp_fcgi;  uwsgi_temp_path $SERVERS/tmp_uwsgi;  scgi_temp_path $SERVERS/tmp_scgi;
    include $conf/nginx-http.conf;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        $extra
        include $conf/nginx-server.conf;
    }
}
CONF
  nginx -e "$SERVERS/nginx-error.log" -c "$SERVERS/nginx.conf" -p "$SERVERS/" 2>"$SERVERS/nginx-start.log" ||
    { cat "$SERVERS/nginx-start.log" >&2; server_unavailable "nginx did not start"; }
  wait_for nginx "$SERVERS/nginx-error.log" curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/"
}

# start_varnish: Varnish in front of nginx, purging by xkey (PURGE with xkey-purge) or by URL (PURGE alone),
# X-Cache HIT/MISS on every response; sets VARNISH_PORT.
start_varnish() {
  VARNISH_PORT=$(free_port)
  cat >"$SERVERS/default.vcl" <<VCL
vcl 4.1;
import xkey;
backend default { .host = "127.0.0.1"; .port = "$NGINX_PORT"; }
acl purgers { "127.0.0.1"; "::1"; }
sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) { return (synth(403, "Forbidden")); }
        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
        }
        return (purge);
    }
}
sub vcl_deliver { if (obj.hits > 0) { set resp.http.X-Cache = "HIT"; } else { set resp.http.X-Cache = "MISS"; } }
VCL
  varnishd -j none -a "127.0.0.1:$VARNISH_PORT" -f "$SERVERS/default.vcl" -n "$SERVERS/varnish" -s "malloc,${VARNISH_MEMORY:-64m}" \
           -P "$SERVERS/varnish.pid" >"$SERVERS/varnish-start.log" 2>&1 ||
    { cat "$SERVERS/varnish-start.log" >&2; server_unavailable "varnishd did not start"; }
  # A PURGE of an unknown tag answers 200 once the cache serves; a GET would cache what the case tests next.
  wait_for varnish "$SERVERS/varnish-start.log" curl -sf -X PURGE -H "xkey-purge: prerender-ready-check" \
    "http://127.0.0.1:$VARNISH_PORT/"
}

# start_s3 BUCKET: moto's S3 server with IAM authentication (it checks every request's SigV4 signature),
# a user allowed everything, BUCKET, and tests/e2e/s3_tool.py's fault-injecting proxy in front. Exports
# AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and AWS_ENDPOINT_URL (the proxy); sets MOTO (the
# server's own URL, for look-ups), S3_FAIL_RULES (a PUT whose path contains a line of it is answered 503)
# and S3_PUT_LOG (a line per PUT the proxy forwarded); s3 ARGS runs s3_tool.py.
start_s3() {
  local bucket=$1 py
  S3_TOOL="$PRERENDER_SOURCE_DIR/tests/e2e/s3_tool.py"
  MOTO_PYTHON=""
  for py in python3 "$PYTHON"; do
    if "$py" -c 'import moto.server, boto3' 2>/dev/null; then MOTO_PYTHON=$py; break; fi
  done
  [[ -n "$MOTO_PYTHON" ]] || server_unavailable "no python3 with moto and boto3 (the machine image ships moto 5.2.1)"
  local moto_port proxy_port
  moto_port=$(free_port)
  proxy_port=$(free_port)
  # Three unauthenticated requests create the IAM user and its key; every request after them is checked.
  INITIAL_NO_AUTH_ACTION_COUNT=3 "$MOTO_PYTHON" -m moto.server -H 127.0.0.1 -p "$moto_port" >"$SERVERS/moto.log" 2>&1 &
  echo $! >"$SERVERS/moto.pid"
  wait_for "moto server" "$SERVERS/moto.log" port_open "$moto_port"
  MOTO="http://127.0.0.1:$moto_port"
  read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY < <(s3 iam "$MOTO")
  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION=us-east-1
  unset AWS_SESSION_TOKEN AWS_ENDPOINT_URL_S3 AWS_DEFAULT_REGION
  s3 bucket "$MOTO" "$bucket"
  S3_FAIL_RULES="$SERVERS/s3-fail-puts"
  S3_PUT_LOG="$SERVERS/s3-puts.log"
  # Started directly, not through the s3 function: a backgrounded function is a subshell, and its pid is
  # not the proxy's, so stopping it would leave the proxy running.
  "$MOTO_PYTHON" "$S3_TOOL" proxy "$proxy_port" "$moto_port" "$S3_FAIL_RULES" "$S3_PUT_LOG" >"$SERVERS/s3-proxy.log" 2>&1 &
  echo $! >"$SERVERS/s3-proxy.pid"
  wait_for "S3 fault proxy" "$SERVERS/s3-proxy.log" port_open "$proxy_port"
  export AWS_ENDPOINT_URL="http://127.0.0.1:$proxy_port"
}
s3() { "$MOTO_PYTHON" "$S3_TOOL" "$@"; }
port_open() { "$PYTHON" -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$1"; }
