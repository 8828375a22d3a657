#!/bin/sh
# make_certs.sh [--force] DIR -- test certificates for the reference platform.
#
# Writes into DIR (all keys EC P-256: fast to make, and curl/OpenSSL pin them
# the same way as RSA):
#   ca.pem ca.key                       the test CA
#   server.pem server.key               server cert for 127.0.0.1 and localhost (SAN), signed by ca
#   client.pem client.key               client cert (clientAuth) signed by ca
#   client-expired.pem client-expired.key   client cert signed by ca, valid 2020-01-01..2021-01-01
#   other-ca.pem other-ca.key           a second, unrelated CA
#   other-server.pem other-server.key   server cert for 127.0.0.1/localhost signed by other-ca
#   server.pin other-server.pin         SHA-256 public-key pins, curl format: sha256//BASE64 (one line)
#
# Idempotent: does nothing when DIR/ca.pem exists, unless --force.
# POSIX sh; needs only the openssl command (3.0 on Debian 12).
set -eu

usage() { echo "usage: $0 [--force] DIR" >&2; exit 2; }

force=0
dir=
for a in "$@"; do
    case $a in
        --force) force=1 ;;
        -h|--help) usage ;;
        -*) usage ;;
        *) [ -z "$dir" ] || usage; dir=$a ;;
    esac
done
[ -n "$dir" ] || usage
command -v openssl >/dev/null 2>&1 || { echo "$0: openssl not found" >&2; exit 1; }

if [ -f "$dir/ca.pem" ] && [ "$force" -eq 0 ]; then
    echo "$0: $dir/ca.pem exists, nothing to do (--force to remake)" >&2
    exit 0
fi

mkdir -p "$dir"
# keys are secrets even in tests: nobody else on the machine needs to read them
umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/make_certs.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# Extensions for the leaf certificates. subjectKeyIdentifier/authorityKeyIdentifier
# are there because strict verifiers (Python 3.13's VERIFY_X509_STRICT) want them.
cat >"$work/ext.cnf" <<'EOF'
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer

[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
EOF

# make_ca NAME CN
make_ca() {
    newkey "$dir/$1.key"
    openssl req -x509 -new -sha256 -key "$dir/$1.key" -days 3650 -subj "/CN=$2" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "$dir/$1.pem"
}

# make_leaf NAME CA SECTION CN -- key, CSR, then signed by CA for 825 days
make_leaf() {
    newkey "$dir/$1.key"
    openssl req -new -sha256 -key "$dir/$1.key" -subj "/CN=$4" -out "$work/$1.csr"
    openssl x509 -req -sha256 -in "$work/$1.csr" -CA "$dir/$2.pem" -CAkey "$dir/$2.key" \
        -CAcreateserial -CAserial "$work/$2.srl" -days 825 \
        -extfile "$work/ext.cnf" -extensions "$3" -out "$dir/$1.pem" 2>/dev/null
}

make_ca ca "refplat test CA"
make_leaf server ca server "127.0.0.1"
make_leaf client ca client "kiosk-test-0001"
make_ca other-ca "refplat unrelated CA"
make_leaf other-server other-ca server "127.0.0.1"

# The expired client cert: `openssl x509 -req` in 3.0 cannot set a start date
# in the past, `openssl ca` can (-startdate/-enddate). It needs a small CA
# "database", kept in the scratch directory.
mkdir -p "$work/ca/new"
: >"$work/ca/index.txt"
echo 1000 >"$work/ca/serial"
cat >"$work/ca.cnf" <<EOF
[ca]
default_ca = test_ca
[test_ca]
dir = $work/ca
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = any
unique_subject = no
x509_extensions = client
[any]
commonName = supplied
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
EOF
newkey "$dir/client-expired.key"
openssl req -new -sha256 -key "$dir/client-expired.key" -subj "/CN=kiosk-test-expired" \
    -out "$work/client-expired.csr"
openssl ca -batch -notext -config "$work/ca.cnf" -cert "$dir/ca.pem" -keyfile "$dir/ca.key" \
    -startdate 20200101000000Z -enddate 20210101000000Z \
    -in "$work/client-expired.csr" -out "$dir/client-expired.pem" 2>/dev/null

# pin = base64(sha256(DER SubjectPublicKeyInfo)), the form curl's --pinnedpubkey takes
pin() {
    p=$(openssl x509 -in "$dir/$1.pem" -noout -pubkey | openssl pkey -pubin -outform der |
        openssl dgst -sha256 -binary | openssl enc -base64 -A)
    printf 'sha256//%s\n' "$p" >"$dir/$1.pin"
}
pin server
pin other-server

# certificates and pins are public; only the keys stay 0600
chmod 644 "$dir"/*.pem "$dir"/*.pin
echo "$0: certificates in $dir" >&2
