#!/usr/bin/env bash
# Makes a development PKI for mutual TLS in DIR with the openssl command line:
#   DIR/ca.crt, DIR/ca.key          a development CA (EC P-256); the key stays, to issue more clients
#   DIR/client-ca.pem               the client CA bundle for `zorgbrug serve --client-ca`
#   DIR/server.crt, DIR/server.key  the gateway's certificate for localhost, 127.0.0.1, ::1 (+ --dns)
#   DIR/clients/NAME.crt, .key      one client certificate per role: subject CN=NAME, OU=ROLE
# Idempotent: a certificate that exists and verifies against DIR/ca.crt is kept, others are
# (re)issued; a missing CA is made anew. Keys get mode 0600. For development and tests only:
# production certificates come from your own CA.
#
# Usage: deploy/make-dev-pki.sh DIR [--client NAME:ROLE]... [--dns NAME]... [--days N]
#   --client NAME:ROLE  a client certificate to issue, repeatable (ROLE: epd-vendor,
#                       regional-platform, bihr-destination, operator). Without --client:
#                       dev-epd-vendor, dev-regional-platform, dev-bihr-destination, dev-operator.
#   --dns NAME          another DNS name for the server certificate
#   --days N            validity of new certificates (default 397)
set -euo pipefail

roles=(epd-vendor regional-platform bihr-destination operator)
usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
  exit 2
}

dir=""
days=397
clients=()
dns_names=(localhost)
while [ $# -gt 0 ]; do
  case "$1" in
    --client) [ $# -ge 2 ] || usage; clients+=("$2"); shift 2 ;;
    --dns) [ $# -ge 2 ] || usage; dns_names+=("$2"); shift 2 ;;
    --days) [ $# -ge 2 ] || usage; days="$2"; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "unknown option $1" >&2; usage ;;
    *) [ -z "$dir" ] || usage; dir="$1"; shift ;;
  esac
done
[ -n "$dir" ] || usage
[[ "$days" =~ ^[1-9][0-9]*$ ]] || { echo "--days needs a positive number" >&2; exit 2; }
if [ ${#clients[@]} -eq 0 ]; then
  for role in "${roles[@]}"; do clients+=("dev-$role:$role"); done
fi
for client in "${clients[@]}"; do
  name="${client%%:*}"
  role="${client#*:}"
  if [[ ! "$name" =~ ^[A-Za-z0-9._-]+$ ]] || [ "$name" = "$client" ]; then
    echo "--client needs NAME:ROLE with NAME of letters, digits, '.', '_', '-': $client" >&2
    exit 2
  fi
  case " ${roles[*]} " in
    *" $role "*) ;;
    *) echo "unknown role '$role' (known: ${roles[*]})" >&2; exit 2 ;;
  esac
done

umask 077
mkdir -p "$dir/clients"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# new_key_and_csr KEY CSR SUBJECT
new_key_and_csr() {
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1" -out "$2" \
    -subj "$3" 2>/dev/null
}

# sign CSR CERT EXTENSIONS: signs with the CA, a random serial, the extensions given as text.
sign() {
  printf '%s\n' "$3" >"$work/ext.cnf"
  openssl x509 -req -in "$1" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days "$days" -sha256 \
    -extfile "$work/ext.cnf" -out "$2" 2>/dev/null
}

# install_pair BASE: moves the new BASE.key/.crt of the work dir into place (key 0600, cert 0644).
install_pair() {
  install -m 0600 "$work/pair.key" "$1.key"
  install -m 0644 "$work/pair.crt" "$1.crt"
}

# current BASE: BASE.crt and BASE.key exist and the certificate verifies against the CA now.
current() {
  [ -s "$1.crt" ] && [ -s "$1.key" ] &&
    openssl verify -CAfile "$dir/ca.crt" "$1.crt" >/dev/null 2>&1
}

reissue=false
if [ ! -s "$dir/ca.crt" ] || [ ! -s "$dir/ca.key" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$work/pair.key" -out "$work/pair.crt" -days "$days" -sha256 \
    -subj "/O=zorgbrug development/CN=zorgbrug development CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  install_pair "$dir/ca"
  reissue=true
  echo "made the development CA $dir/ca.crt"
fi
if $reissue || [ ! -s "$dir/client-ca.pem" ]; then
  install -m 0644 "$dir/ca.crt" "$dir/client-ca.pem"
fi

san="IP:127.0.0.1,IP:::1"
for name in "${dns_names[@]}"; do san="DNS:$name,$san"; done
if ! current "$dir/server"; then
  new_key_and_csr "$work/pair.key" "$work/pair.csr" "/O=zorgbrug development/CN=localhost"
  sign "$work/pair.csr" "$work/pair.crt" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$san"
  install_pair "$dir/server"
  echo "made the server certificate $dir/server.crt ($san)"
fi

for client in "${clients[@]}"; do
  name="${client%%:*}"
  role="${client#*:}"
  base="$dir/clients/$name"
  if current "$base"; then continue; fi
  new_key_and_csr "$work/pair.key" "$work/pair.csr" "/O=zorgbrug development/OU=$role/CN=$name"
  sign "$work/pair.csr" "$work/pair.crt" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
  install_pair "$base"
  echo "made the client certificate $base.crt (CN=$name, role $role)"
done

cat <<EOF
Development PKI in $dir. Serve with mutual TLS:
  zorgbrug serve --tls-cert $dir/server.crt --tls-key $dir/server.key \\
    --client-ca $dir/client-ca.pem --policy deploy/policy.json
Clients trust $dir/ca.crt and present $dir/clients/NAME.crt with its key.
EOF
