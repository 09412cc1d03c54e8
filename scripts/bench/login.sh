# shellcheck shell=bash
# Scenario: the login step alone.
# Sourced by scripts/bench.sh; needs scripts/bench/common.sh.

ecrflow_hosted_login() { task hosted EcrLoginV1; }
ecrflow_self_hosted_login() { task self-hosted EcrLoginV1; }

login_round() {
  local tool=$1 label=$2 log
  log="$logs/login-$tool-$label.log"
  timed "$log" "${tool//-/_}_login"
  remember_docker_config "$log"
  if [[ -n $glue_config ]]; then rm -rf "$glue_config"; glue_config=""; fi
}

bench_login() {
  ecrflow_heading "Login step ($rounds rounds)"
  login_round ecrflow-hosted warm-up
  login_round ecrflow-self-hosted first
  first_self_hosted_login=$elapsed
  login_round glue warm-up
  ecrflow_info "warm-up done, not timed (the first self-hosted step made its start-up archive: $first_self_hosted_login s)"
  timed_rounds login login_round ecrflow-hosted ecrflow-self-hosted glue
}
