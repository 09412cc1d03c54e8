# shellcheck shell=bash
# TLS for the test bed: the registry-like fronts of the ECR test server speak HTTPS under registry-like
# names, as ECR does, so the runner and the engines meet them as they meet ECR. Sourced by
# testbed-services.sh (which defines ecrflow_as_root, ecrflow_info and ECRFLOW_STATE_DIR).
#
#   $ECRFLOW_STATE_DIR/tls/ca.pem, ca-key.pem            the test CA (made once per checkout)
#   $ECRFLOW_STATE_DIR/tls/registry.pem, registry-key.pem  the fronts' certificate, for every name below
#   $ECRFLOW_STATE_DIR/tls/registry.p12                   the same for Java, password "ecrflow-testbed"
#                                                         (a test key: it guards nothing)
#   $ECRFLOW_STATE_DIR/tls/bundle.pem                     the machine's CAs plus the test CA (SSL_CERT_FILE)

# Every host name of the test bed, in one place; the Java test bed (io.ecrflow.testbed.TestbedNames)
# uses the same names and refuses to start when one does not resolve to loopback. A registry per
# account the tests use (the main account, the second account of the cross-account tests), the
# upstream registry standing in for MCR, and the Azure DevOps collection.
ECRFLOW_TESTBED_NAMES=(
  123456789012.dkr.ecr.us-east-1.ecrflow.test
  210987654321.dkr.ecr.us-east-1.ecrflow.test
  upstream.ecrflow.test
  dev.azure.ecrflow.test
)
ECRFLOW_TESTBED_TLS_PASSWORD="ecrflow-testbed"
ECRFLOW_HOSTS_MARKER="# ecrflow test bed"

# Makes the test CA and the fronts' certificate once per checkout (again when a name is missing from
# the certificate), and exports ECRFLOW_TESTBED_TLS (the folder) and AWS_CA_BUNDLE (the CA, which the
# runner and the aws CLI trust besides the system's).
ecrflow_test_tls() {
  local dir="$ECRFLOW_STATE_DIR/tls"
  command -v openssl >/dev/null || ecrflow_die "openssl is missing; install Debian's openssl"
  mkdir -p "$dir"
  if ! ecrflow_test_tls_complete "$dir"; then
    ecrflow_info "making the test CA and certificate for the test bed's names in $dir"
    ecrflow_make_test_tls "$dir" || ecrflow_die "could not make the test bed's certificates in $dir"
  fi
  cat /etc/ssl/certs/ca-certificates.crt "$dir/ca.pem" >"$dir/bundle.pem.partial" 2>/dev/null ||
    cp "$dir/ca.pem" "$dir/bundle.pem.partial"
  mv "$dir/bundle.pem.partial" "$dir/bundle.pem"
  export ECRFLOW_TESTBED_TLS="$dir"
  export AWS_CA_BUNDLE="$dir/ca.pem"
}

# Whether every file is there and the certificate names every test-bed name.
ecrflow_test_tls_complete() {
  local dir=$1 name sans
  for name in ca.pem ca-key.pem registry.pem registry-key.pem registry.p12; do
    [[ -s $dir/$name ]] || return 1
  done
  sans="$(openssl x509 -in "$dir/registry.pem" -noout -ext subjectAltName 2>/dev/null)" || return 1
  for name in "${ECRFLOW_TESTBED_NAMES[@]}" localhost; do
    grep -q "DNS:$name\(,\|\$\)" <<<"$sans" || return 1
  done
  openssl x509 -in "$dir/registry.pem" -noout -checkend 86400 >/dev/null 2>&1
}

# Makes the CA (kept when present) and a server certificate signed by it, then the PKCS12 for Java.
ecrflow_make_test_tls() {
  local dir=$1 name sans="DNS:localhost,IP:127.0.0.1" ext
  for name in "${ECRFLOW_TESTBED_NAMES[@]}"; do sans="DNS:$name,$sans"; done
  if [[ ! -s $dir/ca.pem || ! -s $dir/ca-key.pem ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=ecrflow test bed CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" 2>/dev/null || return 1
  fi
  ext="$(mktemp)"
  printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth" "subjectAltName=$sans" >"$ext"
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=${ECRFLOW_TESTBED_NAMES[0]}" \
    -keyout "$dir/registry-key.pem" -out "$dir/registry.csr" 2>/dev/null &&
    openssl x509 -req -in "$dir/registry.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial \
      -days 825 -sha256 -extfile "$ext" -out "$dir/registry.pem" 2>/dev/null &&
    openssl pkcs12 -export -in "$dir/registry.pem" -inkey "$dir/registry-key.pem" -certfile "$dir/ca.pem" \
      -name registry -passout "pass:$ECRFLOW_TESTBED_TLS_PASSWORD" -out "$dir/registry.p12"
  local made=$?
  rm -f "$ext" "$dir/registry.csr" "$dir/ca.srl"
  # docker-registry and dockerd read these as the user that runs the tests; nothing here is secret.
  chmod 644 "$dir"/*.pem "$dir/registry.p12" 2>/dev/null
  return $made
}

# Writes each test-bed name into /etc/hosts as "127.0.0.1 <name>  # ecrflow test bed", once; needs root
# (through ecrflow_as_root). Lines of names no longer in the list are dropped.
ecrflow_testbed_names() {
  local hosts=/etc/hosts wanted name
  wanted="$(for name in "${ECRFLOW_TESTBED_NAMES[@]}"; do printf '127.0.0.1 %s %s\n' "$name" "$ECRFLOW_HOSTS_MARKER"; done)"
  if [[ "$(grep -F -- "$ECRFLOW_HOSTS_MARKER" "$hosts" 2>/dev/null)" == "$wanted" ]]; then
    ecrflow_info "the test bed's names are in $hosts"
    return 0
  fi
  ecrflow_info "adding the test bed's names to $hosts: ${ECRFLOW_TESTBED_NAMES[*]}"
  mkdir -p "$ECRFLOW_STATE_DIR"
  # /etc/hosts may be a bind mount (containers): rewrite it in place rather than replacing the file.
  { grep -vF -- "$ECRFLOW_HOSTS_MARKER" "$hosts"; printf '%s\n' "$wanted"; } >"$ECRFLOW_STATE_DIR/hosts.new"
  ecrflow_as_root tee "$hosts" <"$ECRFLOW_STATE_DIR/hosts.new" >/dev/null ||
    ecrflow_die "could not write $hosts; run ecrflow_testbed_names (scripts/lib/test-tls.sh) as root"
  rm -f "$ECRFLOW_STATE_DIR/hosts.new"
}
