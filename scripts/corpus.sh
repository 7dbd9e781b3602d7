#!/usr/bin/env bash
# The corpora of the figures (docs/BENCHMARKS.md), each fetched from a registry this project reaches:
#   corpus.sh kernel DEST       the Linux kernel subset of the paper (../shared/corpus/linux.sh; Debian's linux-source)
#   corpus.sh python DEST       Django 3.2's Python sources (Debian's python3-django)
#   corpus.sh typescript DEST   RxJS 7.8.1's TypeScript sources (the npm package's src/)
# Installs what is missing (apt-get needs root); prints the files and bytes copied.
set -euo pipefail
name=${1:?usage: corpus.sh kernel|python|typescript DEST}
dest=${2:?usage: corpus.sh kernel|python|typescript DEST}
here=$(cd "$(dirname "$0")" && pwd)
case "$name" in
  kernel)
    exec bash "$here/../../shared/corpus/linux.sh" "$dest" ;;
  python)
    django=/usr/lib/python3/dist-packages/django
    if [ ! -d "$django" ]; then
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 python3-django >/dev/null
    fi
    mkdir -p "$dest"
    cp -r "$django" "$dest/" ;;
  typescript)
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && npm pack rxjs@7.8.1 --silent >/dev/null && tar -xzf rxjs-7.8.1.tgz)
    mkdir -p "$dest"
    cp -r "$tmp/package/src" "$dest/rxjs" ;;
  *)
    echo "corpus.sh: unknown corpus \"$name\" (kernel, python or typescript)" >&2; exit 2 ;;
esac
echo "$dest: $(find "$dest" -type f | wc -l) files, $(find "$dest" -type f -print0 | xargs -0 cat | wc -c) bytes ($name)"
