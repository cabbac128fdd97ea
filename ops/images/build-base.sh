#!/usr/bin/env bash
# Builds the base image of the pg-runbooks containers without a registry or a Docker daemon:
# a minimal Debian root filesystem (dpkg-deb -x of the few libraries a JRE needs, at the versions
# installed on this host) plus a JRE made by jlink from this JDK's jmods, packed as a docker-save
# tarball that Jib takes as `tar://...` (README "Deploy", ops/docs/images.md).
#
#   ops/images/build-base.sh OUT.tar [CACHE_DIR]
#
# The result is cached under CACHE_DIR (default ~/.cache/pg-runbooks/base-image) by a key of every
# input (this script, the package versions, the JDK, the CA bundle): an unchanged input costs a copy.
# The tarball is reproducible: fixed timestamps, sorted entries, numeric owners set here.
set -euo pipefail

out="${1:?usage: build-base.sh OUT.tar [CACHE_DIR]}"
cache="${2:-${XDG_CACHE_HOME:-$HOME/.cache}/pg-runbooks/base-image}"
jdk="${BASE_IMAGE_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}"
arch=amd64
# What the JRE links against (ldd of libjvm.so, libjava.so, libzip.so): glibc, libgcc, libstdc++, zlib.
packages=(libc6 libgcc-s1 libstdc++6 zlib1g)
# The JDK modules the worker and the API use (jdeps --print-module-deps over their class paths, plus
# what is loaded by name at run time: jdk.crypto.ec for TLS, jdk.naming.dns, jdk.charsets).
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.charsets,jdk.crypto.ec,jdk.httpserver,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs
cacerts=/etc/ssl/certs/java/cacerts
uid=10001

die() { echo "build-base.sh: $*" >&2; exit 1; }
for tool in apt-get apt-cache dpkg-deb dpkg-query sha256sum tar gzip ldconfig; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (a Debian host is needed: apt-get install -y dpkg apt tar gzip)"
done
[ -x "$jdk/bin/jlink" ] || die "no jlink in $jdk: apt-get install -y openjdk-17-jdk-headless"
[ -f "$jdk/jmods/java.base.jmod" ] || die "no jmods in $jdk: apt-get install -y openjdk-17-jdk-headless openjdk-17-jmods"
[ -f "$cacerts" ] || die "no Java CA bundle at $cacerts: apt-get install -y ca-certificates-java"

versions=()
for p in "${packages[@]}"; do
  v="$(dpkg-query -W -f='${Version}' "$p:$arch" 2>/dev/null || dpkg-query -W -f='${Version}' "$p" 2>/dev/null)" \
    || die "$p is not installed on this host (its installed version is the one the image takes): apt-get install -y $p"
  # The archive keeps only the newest version of a suite: when the installed one is gone from the lists,
  # take the candidate (the key, below, then changes with it).
  if ! ls "$cache/debs/${p}_${v/:/%3a}_"*.deb >/dev/null 2>&1 && ! apt-cache show "$p=$v" >/dev/null 2>&1; then
    v="$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')"
    [ -n "$v" ] && [ "$v" != "(none)" ] || die "no downloadable version of $p: apt-get update"
  fi
  versions+=("$p=$v")
done
jdk_pkg="$(dpkg-query -S "$jdk/jmods/java.base.jmod" 2>/dev/null | cut -d: -f1 | head -1)"
jdk_version="$(dpkg-query -W -f='${Version}' "$jdk_pkg" 2>/dev/null || sha256sum "$jdk/jmods/java.base.jmod")"
key="$( { cat "$0"; printf '%s\n' "${versions[@]}" "$modules" "$jdk_version"; cat "$jdk/release"; sha256sum < "$cacerts"; } \
  | sha256sum | cut -c1-16)"

mkdir -p "$cache" "$(dirname "$out")"
if [ -f "$cache/$key/base.tar" ]; then
  cp "$cache/$key/base.tar" "$out"
  echo "base image $key from the cache ($cache/$key)"
  exit 0
fi

work="$(mktemp -d "$cache/build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root" "$cache/debs"
for pv in "${versions[@]}"; do
  p="${pv%%=*}"; v="${pv#*=}"
  deb="$(ls "$cache/debs/${p}_${v/:/%3a}_"*.deb 2>/dev/null | head -1 || true)"
  if [ -z "$deb" ]; then
    (cd "$cache/debs" && apt-get download -q "$pv" >/dev/null 2>"$work/apt.err") \
      || die "apt-get download $pv failed (run apt-get update first): $(cat "$work/apt.err")"
    deb="$(ls "$cache/debs/${p}_${v/:/%3a}_"*.deb | head -1)"
  fi
  dpkg-deb -x "$deb" "$root"
done
rm -rf "$root"/usr/share/{doc,man,info,lintian,locale} "$root"/etc/ld.so.conf.d/*.conf.dpkg-*

"$jdk/bin/jlink" --add-modules "$modules" --output "$root/opt/java" --strip-debug --no-man-pages \
  --no-header-files --compress=2
# Debian's JDK links its security files to /etc: the image gets real files.
rm -f "$root/opt/java/lib/security/cacerts"
install -m 0644 "$cacerts" "$root/opt/java/lib/security/cacerts"

mkdir -p "$root"/{etc,tmp,proc,sys,dev,home/runbooks,etc/pg-runbooks,etc/ld.so.conf.d}
# java finds libjli.so through $ORIGIN, which glibc resolves by /proc/self/exe; the cache also finds it
# where no /proc is mounted (a bare chroot).
printf '/opt/java/lib\n' > "$root/etc/ld.so.conf.d/pg-runbooks-java.conf"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nrunbooks:x:%s:%s:pg-runbooks:/home/runbooks:/usr/sbin/nologin\n' \
  "$uid" "$uid" > "$root/etc/passwd"
printf 'root:x:0:\nrunbooks:x:%s:\n' "$uid" > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
ldconfig -r "$root" 2>/dev/null || true
chown -R 0:0 "$root"
chown "$uid:$uid" "$root/home/runbooks"
chmod 1777 "$root/tmp"
chmod 0755 "$root/etc/pg-runbooks"

# One layer; owners numeric as set above; every timestamp the epoch; entries sorted.
img="$work/image"
mkdir -p "$img"
tar --sort=name --mtime=@0 --numeric-owner --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -C "$root" -cf "$work/layer.tar" .
diff_id="$(sha256sum < "$work/layer.tar" | cut -d' ' -f1)"
gzip -n -6 < "$work/layer.tar" > "$img/layer.tar.gz"
cat > "$work/config.json" <<EOF
{"architecture":"$arch","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],
  "User":"$uid:$uid","WorkingDir":"/home/runbooks",
  "Labels":{"io.pgrunbooks.base.key":"$key","io.pgrunbooks.base.packages":"${versions[*]}","io.pgrunbooks.base.jdk":"$jdk_version"}},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"ops/images/build-base.sh $key"}]}
EOF
config_id="$(sha256sum < "$work/config.json" | cut -d' ' -f1)"
mv "$work/config.json" "$img/$config_id.json"
printf '[{"Config":"%s.json","RepoTags":["pg-runbooks/base:%s"],"Layers":["layer.tar.gz"]}]\n' \
  "$config_id" "$key" > "$img/manifest.json"
# Plain member names (no "./"): Jib looks the manifest up as "manifest.json".
tar --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$img" -cf "$work/base.tar" \
  manifest.json "$config_id.json" layer.tar.gz
mkdir -p "$cache/$key"
mv "$work/base.tar" "$cache/$key/base.tar"
cp "$cache/$key/base.tar" "$out"
echo "base image $key built ($(du -h "$out" | cut -f1)): ${versions[*]}, JRE $jdk_version"
