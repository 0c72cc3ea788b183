#!/usr/bin/env bash
# deps.sh: installs hogbench's build and test dependencies from Debian 12's packages (as root,
# or through sudo). Installs only what is missing, so reruns are quick.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libxxhash-dev libcriterion-dev "$@")
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "deps.sh: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
