#!/usr/bin/env bash
# Make the images that tests and examples use, without any registry when none is reachable.
# For each image: present -> nothing to do; else try a real pull (bounded); else build a local
# stand-in from Debian packages (apt-get download + dpkg-deb + docker import).
#
#   busybox:1.35-debian      busybox-static from Debian, applets linked, /etc/passwd with nobody
#   python:3.11-slim        stand-in: Debian bookworm's python3 (3.11) + full stdlib + busybox shell
#   jrottenberg/ffmpeg:5.1-debian-local
#                           stand-in for the seed's ffmpeg image: Debian bookworm's ffmpeg 5.1 (not 4.4)
#                           and exactly the shared libraries it links, ENTRYPOINT ["ffmpeg"]
#
# The image names are pinned in one place for Java tests too: TestImages.java reads the same names.
set -euo pipefail
BUSYBOX=${BUSYBOX_IMAGE:-container-runner-test/busybox:1.35-debian}
PYTHON=${PYTHON_IMAGE:-python:3.11-slim}
FFMPEG=${FFMPEG_IMAGE:-jrottenberg/ffmpeg:5.1-debian-local}
PULL_TIMEOUT=${PULL_TIMEOUT:-20}

have() { docker image inspect "$1" >/dev/null 2>&1; }
try_pull() { timeout "$PULL_TIMEOUT" docker pull -q "$1" >/dev/null 2>&1; }

need_debs() {
  command -v apt-get >/dev/null || { echo "ensure-images: apt-get is needed to build $1 locally" >&2; exit 1; }
}

rootfs_skeleton() { # $1 = root dir
  local r=$1
  mkdir -p "$r"/usr/bin "$r"/usr/lib "$r"/usr/lib64 "$r"/usr/sbin "$r"/etc "$r"/tmp "$r"/root "$r"/proc "$r"/sys "$r"/dev "$r"/home
  for d in bin lib lib64 sbin; do ln -s usr/$d "$r/$d"; done
  chmod 1777 "$r/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' > "$r/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$r/etc/group"
}

unpack_debs() { # $1 = work dir holding the .debs, $2 = root dir
  for d in "$1"/*.deb; do
    dpkg-deb --fsys-tarfile "$d" | tar -C "$2" --keep-directory-symlink -xf - \
      --exclude=./usr/share/doc --exclude=./usr/share/man --exclude=./usr/share/locale
  done
}

link_busybox_applets() { # $1 = root dir
  local r=$1
  for a in $("$r/bin/busybox" --list); do
    [ -e "$r/usr/bin/$a" ] || [ -L "$r/usr/bin/$a" ] || ln -s busybox "$r/usr/bin/$a"
  done
}

build_busybox() ( # subshell: the EXIT trap cleans the work dir
  need_debs "$BUSYBOX"
  w=$(mktemp -d /tmp/cr-busybox.XXXXXX); chmod 755 "$w"
  trap 'rm -rf "$w"' EXIT
  (cd "$w" && apt-get download -q busybox-static >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get download -q busybox-static >/dev/null; })
  rootfs_skeleton "$w/root"
  unpack_debs "$w" "$w/root"
  link_busybox_applets "$w/root"
  tar -C "$w/root" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'CMD ["sh"]' - "$BUSYBOX" >/dev/null
)

PY_PKGS="python3 python3-minimal python3.11 python3.11-minimal libpython3-stdlib libpython3.11-minimal
 libpython3.11-stdlib media-types libc6 libgcc-s1 gcc-12-base zlib1g libexpat1 libssl3 libffi8 libbz2-1.0
 liblzma5 libsqlite3-0 libuuid1 libncursesw6 libtinfo6 libreadline8 readline-common libdb5.3 libcrypt1
 libnsl2 libtirpc3 libtirpc-common libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libkeyutils1
 libcom-err2 busybox-static"

build_python() ( # subshell: the EXIT trap cleans the work dir
  need_debs "$PYTHON"
  w=$(mktemp -d /tmp/cr-python.XXXXXX); chmod 755 "$w"
  trap 'rm -rf "$w"' EXIT
  # shellcheck disable=SC2086
  (cd "$w" && apt-get download -q $PY_PKGS >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get download -q $PY_PKGS >/dev/null; })
  rootfs_skeleton "$w/root"
  unpack_debs "$w" "$w/root"
  link_busybox_applets "$w/root"
  [ -e "$w/root/usr/bin/python3" ] || ln -s python3.11 "$w/root/usr/bin/python3"
  [ -e "$w/root/usr/bin/python" ] || ln -s python3 "$w/root/usr/bin/python"
  tar -C "$w/root" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'ENV LANG=C.UTF-8' \
    -c 'LABEL org.container-runner.stand-in=debian-bookworm-python3.11' -c 'CMD ["python3"]' - "$PYTHON" >/dev/null
)

build_ffmpeg() ( # subshell: the EXIT trap cleans the work dir
  need_debs "$FFMPEG"
  w=$(mktemp -d /tmp/cr-ffmpeg.XXXXXX); chmod 755 "$w"
  trap 'rm -rf "$w"' EXIT
  mkdir -p "$w/debs" "$w/full"
  # ffmpeg's package closure, as dpkg would install it (no recommends)
  closure() { apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
                 --no-enhances ffmpeg 2>/dev/null | grep -E '^[a-z0-9]' | sort -u; }
  pkgs=$(closure)
  # shellcheck disable=SC2086
  if [ -z "$pkgs" ] || ! (cd "$w/debs" && apt-get download -q $pkgs >/dev/null 2>&1); then
    apt-get update -q >/dev/null   # a fresh machine has no package lists yet
    pkgs=$(closure)
    [ -n "$pkgs" ] || { echo "ensure-images: apt knows no ffmpeg package" >&2; exit 1; }
    (cd "$w/debs" && apt-get download -q $pkgs >/dev/null)
  fi
  for d in "$w"/debs/*.deb; do
    dpkg-deb --fsys-tarfile "$d" | tar -C "$w/full" --keep-directory-symlink -xf - --exclude=./usr/share 2>/dev/null || true
  done
  lib=$w/full/usr/lib/x86_64-linux-gnu
  # what update-alternatives and ldconfig would have linked
  for l in blas/libblas.so.3 lapack/liblapack.so.3 pulseaudio/libpulsecommon-16.1.so; do
    [ -e "$lib/$l" ] && ln -sf "$l" "$lib/$(basename "$l")"
  done
  r=$w/root
  mkdir -p "$r/usr/bin" "$r/usr/lib/x86_64-linux-gnu" "$r/usr/lib64" "$r/usr/sbin" "$r/etc" "$r/tmp" "$r/proc" "$r/sys" "$r/dev"
  for d in bin lib lib64 sbin; do ln -s usr/$d "$r/$d"; done
  chmod 1777 "$r/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' > "$r/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$r/etc/group"
  # only the libraries the binaries link (the full closure holds GL drivers, LLVM, ... ffmpeg never loads)
  needed=$(LD_LIBRARY_PATH="$lib:$w/full/lib/x86_64-linux-gnu" ldd "$w/full/usr/bin/ffmpeg" "$w/full/usr/bin/ffprobe" \
             | awk '/=> \// {print $3}' | sort -u)
  if LD_LIBRARY_PATH="$lib" ldd "$w/full/usr/bin/ffmpeg" | grep -q "not found"; then
    echo "ensure-images: ffmpeg has unresolved libraries:" >&2
    LD_LIBRARY_PATH="$lib" ldd "$w/full/usr/bin/ffmpeg" | grep "not found" >&2
    exit 1
  fi
  for l in $needed; do cp -L "$l" "$r/usr/lib/x86_64-linux-gnu/"; done
  cp -L "$w/full/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$r/usr/lib64/" 2>/dev/null \
    || cp -L /lib64/ld-linux-x86-64.so.2 "$r/usr/lib64/"
  cp "$w/full/usr/bin/ffmpeg" "$w/full/usr/bin/ffprobe" "$r/usr/bin/"
  tar -C "$r" -c . | docker import -c 'ENTRYPOINT ["ffmpeg"]' \
    -c 'LABEL org.container-runner.stand-in=debian-bookworm-ffmpeg-5.1' - "$FFMPEG" >/dev/null
)

ensure() { # $1 = image, $2 = builder
  local t0; t0=$(date +%s)
  if have "$1"; then echo "image $1: present"; return; fi
  if try_pull "$1"; then echo "image $1: pulled"; return; fi
  "$2"
  echo "image $1: built locally from Debian packages in $(( $(date +%s) - t0 )) s (no registry reachable)"
}

ensure "$BUSYBOX" build_busybox
ensure "$PYTHON" build_python
ensure "$FFMPEG" build_ffmpeg
