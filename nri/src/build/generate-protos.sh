#!/bin/sh
# Generates the library's message classes (Java, into $3) with protoc ($2) from the .proto files of
# the published Go modules, which it first puts under $1 (they are never kept in the repository): `go mod download` fetches each module at a pinned version
# into the Go module cache, checks it against the Go checksum database, and prints its directory.
# We also compare the module's hash with the one pinned here, so a changed upstream fails the build.
#
# Each file is copied unchanged except for Java-only options added after its `syntax` line
# (package and one class per message); they change nothing on the wire. ttrpc's status.proto has no
# package of its own, and Java cannot import from the unnamed package, hence the java_package.
set -eu

usage="usage: generate-protos.sh PROTO_DIR PROTOC JAVA_OUT"
out=${1:?$usage}
protoc=${2:?$usage}
java_out=${3:?$usage}

NRI_MODULE=github.com/containerd/nri@v0.11.0
NRI_SUM=h1:26mcQwNG58AZn0YkOrlJQ0yxQVmyZooflnVWJTqQrqQ=
TTRPC_MODULE=github.com/containerd/ttrpc@v1.2.7
TTRPC_SUM=h1:qIrroQvuOL9HQ1X6KHe2ohc7p+HP/0VE6XPU7elJRqQ=

fail() {
  echo "nri/generate-protos: $*" >&2
  exit 1
}

command -v go >/dev/null 2>&1 ||
  fail "Go is not on PATH. The NRI and ttrpc .proto files are read from their Go modules;" \
    "install Go (1.21 or later) and rerun the build."

# Prints one string field of `go mod download -json` output.
json_field() {
  printf '%s\n' "$1" | sed -n "s/^[[:space:]]*\"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p"
}

# Prints the directory of MODULE@VERSION ($1) after checking its hash against $2.
module_dir() {
  # GOWORK=off and GOFLAGS=-mod=mod: a go.work or vendor setting around the checkout must not
  # change what is downloaded.
  if ! json=$(cd "$out" && GOWORK=off GOFLAGS=-mod=mod go mod download -json "$1" 2>&1); then
    fail "go mod download $1 failed (network, GOPROXY or GOFLAGS?):
$json"
  fi
  sum=$(json_field "$json" Sum)
  [ "$sum" = "$2" ] || fail "$1 has hash '$sum', expected '$2'"
  dir=$(json_field "$json" Dir)
  [ -d "$dir" ] || fail "go mod download $1 printed no module directory:
$json"
  printf '%s\n' "$dir"
}

# copy SOURCE TARGET JAVA_PACKAGE: the file with the Java options after its syntax line.
copy() {
  [ -f "$1" ] || fail "$1 is missing from its module"
  mkdir -p "$(dirname "$2")"
  awk -v pkg="$3" '
    { print }
    /^syntax *= *"proto3" *;/ && !done {
      print "option java_package = \"" pkg "\";"
      print "option java_multiple_files = true;"
      done = 1
    }
    END { if (!done) exit 3 }
  ' "$1" >"$2.tmp" || fail "$1 has no proto3 syntax line"
  mv "$2.tmp" "$2"
}

mkdir -p "$out"
nri=$(module_dir "$NRI_MODULE" "$NRI_SUM")
ttrpc=$(module_dir "$TTRPC_MODULE" "$TTRPC_SUM")

# The paths inside each module are kept: request.proto imports "proto/status.proto".
copy "$nri/pkg/api/api.proto" "$out/pkg/api/api.proto" dev.cgroupns.nri.api
copy "$ttrpc/request.proto" "$out/request.proto" dev.cgroupns.nri.ttrpc.proto
copy "$ttrpc/proto/status.proto" "$out/proto/status.proto" dev.cgroupns.nri.ttrpc.proto

# Maven copies protoc out of its repository without the executable bit.
chmod +x "$protoc"
rm -rf "$java_out"
mkdir -p "$java_out"
"$protoc" --proto_path="$out" --java_out="$java_out" \
  pkg/api/api.proto request.proto proto/status.proto ||
  fail "protoc failed on the .proto files in $out"
echo "nri/generate-protos: Java classes from $NRI_MODULE and $TTRPC_MODULE in $java_out"
