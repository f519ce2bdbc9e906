#!/usr/bin/env bash
# Provisions the real servers the tests talk to, runs the static checks and every test,
# and stops what it started. With CI=true anything missing is a failure, never a skip.
#
#   scripts/test.sh          vet, staticcheck, go test -race ./..., the browser walks
#   scripts/test.sh bench    the benchmarks instead of the tests
#   scripts/test.sh run CMD  CMD (say, go test -run X ./api) with the servers provisioned
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=local
mode=${1:-test}
work=$(mktemp -d /tmp/vanthu-test.XXXXXX)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	if [ -n "${pg_dir:-}" ]; then su postgres -s /bin/sh -c "pg_ctl -D '$pg_dir' -m fast stop" >/dev/null 2>&1 || true; fi
	rm -rf "$work"
}
trap cleanup EXIT
say() { printf '==> %s\n' "$*"; }
die() { printf 'make test: %s\n' "$*" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- Debian packages -------------------------------------------------------------------
need_pkgs=()
command -v qpdf >/dev/null || need_pkgs+=(qpdf)
command -v pdfsig >/dev/null && command -v pdftoppm >/dev/null || need_pkgs+=(poppler-utils)
command -v softhsm2-util >/dev/null || need_pkgs+=(softhsm2)
command -v openssl >/dev/null || need_pkgs+=(openssl)
command -v python3 >/dev/null || need_pkgs+=(python3)
command -v tesseract >/dev/null || need_pkgs+=(tesseract-ocr)
command -v chromium >/dev/null || need_pkgs+=(chromium)
[ -f /usr/share/tesseract-ocr/5/tessdata/vie.traineddata ] || ls /usr/share/tesseract-ocr/*/tessdata/vie.traineddata >/dev/null 2>&1 || need_pkgs+=(tesseract-ocr-vie)
# bagit.py, an independent BagIt validator: packaged from Debian 13 on; its absence only
# skips the cross-check, so a failed install is not fatal.
if ! command -v bagit.py >/dev/null && [ "$(id -u)" = 0 ]; then
	apt-get install -y -qq python3-bagit >/dev/null 2>&1 || true
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
	say "installing ${need_pkgs[*]}"
	[ "$(id -u)" = 0 ] || die "missing ${need_pkgs[*]} and not root: install them with apt-get"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null \
		|| die "apt-get install ${need_pkgs[*]} failed"
fi

# --- PostgreSQL -------------------------------------------------------------------------
pg_url=${VANTHU_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
pg_answers() { python3 - "$1" <<'PY'
import socket, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1])
try:
    socket.create_connection((u.hostname or "127.0.0.1", u.port or 5432), timeout=2).close()
except OSError:
    sys.exit(1)
PY
}
if ! pg_answers "$pg_url"; then
	if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null; then
		say "starting the machine's PostgreSQL"
		pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
	fi
fi
if ! pg_answers "$pg_url"; then
	say "starting a private PostgreSQL"
	if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
		[ "$(id -u)" = 0 ] || die "no PostgreSQL and not root to install one"
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || die "apt-get install postgresql failed"
	fi
	bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
	pg_dir=$work/pg
	port=$(free_port)
	mkdir -p "$pg_dir" && chown postgres "$pg_dir" "$work" 2>/dev/null || true
	su postgres -s /bin/sh -c "$bin/initdb -D '$pg_dir' -A trust -U postgres >/dev/null" || die "initdb failed"
	su postgres -s /bin/sh -c "$bin/pg_ctl -D '$pg_dir' -o '-p $port -k /tmp -c listen_addresses=127.0.0.1' -l '$pg_dir/log' -w start >/dev/null" \
		|| die "PostgreSQL did not start (see $pg_dir/log)"
	export PATH=$bin:$PATH
	pg_url="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
fi
pg_answers "$pg_url" || die "no PostgreSQL answers at $pg_url"
export VANTHU_TEST_DATABASE_URL=$pg_url

# --- S3: versitygw with object lock -----------------------------------------------------
gobin=$(go env GOPATH)/bin
if ! [ -x "$gobin/versitygw" ] || ! go version -m "$gobin/versitygw" 2>/dev/null | grep -Eq "mod[[:space:]]+github.com/versity/versitygw[[:space:]]+v1.8.0"; then
	say "building versitygw v1.8.0"
	GOFLAGS= go install github.com/versity/versitygw/cmd/versitygw@v1.8.0 || die "go install versitygw failed"
fi
s3_port=$(free_port)
mkdir -p "$work/s3/data" "$work/s3/versions"
export VANTHU_TEST_S3_ENDPOINT=127.0.0.1:$s3_port
export VANTHU_TEST_S3_ACCESS_KEY=vanthu-test
export VANTHU_TEST_S3_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
export VANTHU_TEST_S3_DIR=$work/s3/data
ROOT_ACCESS_KEY=$VANTHU_TEST_S3_ACCESS_KEY ROOT_SECRET_KEY=$VANTHU_TEST_S3_SECRET_KEY \
	"$gobin/versitygw" --port "127.0.0.1:$s3_port" posix --versioning-dir "$work/s3/versions" "$work/s3/data" \
	>"$work/s3/log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $s3_port), timeout=1).close()" 2>/dev/null && break
	sleep 0.1
done
python3 -c "import socket; socket.create_connection(('127.0.0.1', $s3_port), timeout=1).close()" 2>/dev/null \
	|| { cat "$work/s3/log" >&2; die "versitygw did not start"; }

export CI=${CI:-}
if [ "$mode" = run ]; then
	shift
	"$@"
	exit $?
fi
if [ "$mode" = bench ]; then
	say "benchmarks"
	# One package at a time: each ratio is measured against a baseline interleaved with
	# it, but another package's benchmark on the same two cores would still load one
	# side more than the other.
	go test -p 1 -run '^$' -bench . -benchtime 2s ./...
	exit 0
fi

# --- checks and tests -------------------------------------------------------------------
say "gofmt, go mod tidy"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
[ -z "$unformatted" ] || die "gofmt needed: $unformatted"
go mod tidy -diff || die "go.mod/go.sum are not tidy: run go mod tidy"
if ! [ -x "$gobin/staticcheck" ] || ! "$gobin/staticcheck" -version | grep -q "(0.8.2)"; then
	go install honnef.co/go/tools/cmd/staticcheck@v0.8.2 || die "go install staticcheck failed"
fi

# Everything below runs at once: the tests spend much of their time waiting (on fsync, on
# the servers they start, on timers), which the other jobs fill. Each job's output is
# shown when all are done.
#
# go vet runs all its checks, the few go test runs before each package's tests among them
# (hence -vet=off below).
say "go vet, staticcheck, go test -race ./... and the browser walks (PostgreSQL $VANTHU_TEST_DATABASE_URL, S3 $VANTHU_TEST_S3_ENDPOINT)"
{ go vet ./... && "$gobin/staticcheck" ./...; } >"$work/checks.log" 2>&1 &
checks=$!
# The browser walks (TestBrowser*) drive chromium through the pages; the race detector
# would multiply the cost of the pure-Go SQLite under them for no race the API tests do not
# already look for. They run without it.
go test -timeout 10m -run '^TestBrowser' ./api/web/ >"$work/browser.log" 2>&1 &
browser=$!
# The race run: the packages that take longest start first, so that none of them starts
# last and runs alone; -p 3 links and runs the next test binaries while a package waits.
# (-parallel above its default, GOMAXPROCS, made the SQLite-heavy packages slower: they contend.)
race_status=0
go test -race -vet=off -p 3 -timeout 12m -skip '^TestBrowser' \
	./cmd/vanthu/ ./engine/ ./storage/sqlite/ ./service/archive/ ./... || race_status=$?
checks_status=0
wait "$checks" || checks_status=$?
browser_status=0
wait "$browser" || browser_status=$?
cat "$work/checks.log" "$work/browser.log"
[ "$checks_status" = 0 ] || die "go vet or staticcheck failed"
[ "$race_status" = 0 ] || die "go test -race failed"
[ "$browser_status" = 0 ] || die "the browser walks failed"
