# Shared by Scripts/test, Scripts/demo and Scripts/bench: install PostgreSQL when missing and run
# throwaway clusters. initdb refuses root, so as root the server runs as the `postgres` account.

pg_bin_dir() {
    if [ -n "${NEWSROOM_PG_BIN:-}" ]; then echo "$NEWSROOM_PG_BIN"; return; fi
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
    command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)" && return
    echo ""
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
    else return 1
    fi
}

ensure_packages() {
    local missing=()
    [ -n "$(pg_bin_dir)" ] || missing+=(postgresql)
    command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    [ -f /usr/include/postgresql/libpq-fe.h ] || missing+=(libpq-dev)
    command -v python3 >/dev/null 2>&1 || missing+=(python3)
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> installing ${missing[*]}"
        if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" 2>/dev/null; then
            as_root apt-get update -q && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" || {
                echo "error: missing ${missing[*]} and cannot install them (not root, no sudo)." >&2
                echo "       Install them: sudo apt-get install ${missing[*]}" >&2
                exit 1
            }
        fi
    fi
}

# The tests validate ninjs output with Python's jsonschema (any 4.x, Debian's included).
ensure_jsonschema() {
    python3 -c 'import jsonschema' 2>/dev/null && return 0
    echo "==> installing python3 jsonschema"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-jsonschema >/dev/null 2>&1 \
        || python3 -m pip install -q jsonschema >/dev/null 2>&1 \
        || python3 -m pip install -q --user jsonschema >/dev/null 2>&1 \
        || { echo "error: the tests need Python's jsonschema: sudo apt-get install python3-jsonschema" >&2; exit 1; }
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_throwaway_cluster NAME: sets CLUSTER_DIR, CLUSTER_PORT, CLUSTER_ADMIN and starts the server.
# With CLUSTER_TLS=1 the server also offers TLS, with a self-signed certificate for 127.0.0.1 made
# for it (CLUSTER_CERT, readable by the caller), as most PostgreSQL servers are set up.
start_throwaway_cluster() {
    local bin owner
    bin=$(pg_bin_dir)
    CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/newsroom-$1-XXXXXX")
    CLUSTER_PORT=$(free_port)
    CLUSTER_ADMIN=newsroom_admin
    chmod 755 "$CLUSTER_DIR"
    if [ "$(id -u)" = 0 ]; then
        owner=${NEWSROOM_SERVER_USER:-postgres}
        id "$owner" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
        chown "$owner" "$CLUSTER_DIR"
        RUN_AS=(runuser -u "$owner" --)
    else
        RUN_AS=()
    fi
    echo "==> starting a throwaway PostgreSQL in $CLUSTER_DIR on port $CLUSTER_PORT"
    "${RUN_AS[@]}" "$bin/initdb" -D "$CLUSTER_DIR/data" -U "$CLUSTER_ADMIN" -A trust -E UTF8 --no-locale >/dev/null
    local tls_options=""
    if [ "${CLUSTER_TLS:-0}" = 1 ]; then
        CLUSTER_CERT="$CLUSTER_DIR/server.crt"
        "${RUN_AS[@]}" openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 -subj "/CN=127.0.0.1" \
            -addext "subjectAltName=IP:127.0.0.1" -keyout "$CLUSTER_DIR/data/server.key" -out "$CLUSTER_DIR/data/server.crt" 2>/dev/null
        "${RUN_AS[@]}" chmod 600 "$CLUSTER_DIR/data/server.key"
        "${RUN_AS[@]}" cp "$CLUSTER_DIR/data/server.crt" "$CLUSTER_CERT"
        tls_options="-c ssl=on"
    fi
    "${RUN_AS[@]}" "$bin/pg_ctl" start -w -t 60 -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/postgres.log" \
        -o "-p $CLUSTER_PORT -k $CLUSTER_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 $tls_options ${CLUSTER_OPTIONS:-}" >/dev/null
}

stop_throwaway_cluster() {
    [ -n "${CLUSTER_DIR:-}" ] || return 0
    "${RUN_AS[@]}" "$(pg_bin_dir)/pg_ctl" stop -m fast -D "$CLUSTER_DIR/data" >/dev/null 2>&1 || true
    rm -rf "$CLUSTER_DIR"
}
