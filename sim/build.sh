#!/bin/sh
# Build build/vcsim from sim/vcsim/*.go when the sources changed; quiet when up to date.
# Needs only python3's standard library, Debian's golang-go and golang-github-vmware-govmomi-dev.
set -e
cd "$(dirname "$0")/.."
exec python3 sim/build.py "$@"
