#!/usr/bin/env bash
# Runs `bench gpu` on a Linux x86-64 machine with no Node.js and no network, from the .gpu-bench/ folder
# that scripts/gpu-bench/pack.sh built (carry it with the checkout). Unpacks to /tmp, points Vulkan at
# the machine's NVIDIA driver when nothing else is set, runs the bench with the arguments given (see
# `npm run bench -- gpu` in README), writes $OUT/gpu-bench.json and .log (or bench-out/gpu/ without
# $OUT) and prints a summary. Needs only bash, tar and xz or python3.
set -euo pipefail
trap 'echo "run.sh: failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
pack="${MICON_GPU_BENCH_DIR:-$root/.gpu-bench}"
out="${OUT:-$root/bench-out/gpu}"
for f in node.xz dawn.node.xz libonnxruntime.so.1.xz app.tar.xz; do
  [ -f "$pack/$f" ] || { echo "run.sh: $pack/$f missing: run scripts/gpu-bench/pack.sh where node_modules are, and carry .gpu-bench" >&2; exit 2; }
done
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || { echo "run.sh: the pack holds linux-x64 binaries; this is $(uname -s)-$(uname -m)" >&2; exit 2; }

work="$(mktemp -d /tmp/micon-gpu-bench.XXXXXX)"
[ -n "${MICON_GPU_BENCH_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
unxz_to() {
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"), 1 << 20)' "$1" "$2"
  fi
}
t0=$SECONDS
unxz_to "$pack/app.tar.xz" "$work/app.tar"
tar -xf "$work/app.tar" -C "$work" && rm "$work/app.tar"
unxz_to "$pack/node.xz" "$work/node" && chmod +x "$work/node"
unxz_to "$pack/dawn.node.xz" "$work/node_modules/webgpu/dist/linux-x64/dawn.node"
unxz_to "$pack/libonnxruntime.so.1.xz" "$work/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1"
echo "run.sh: unpacked to $work in $((SECONDS - t0)) s ($(head -1 "$work/MANIFEST.txt"))" >&2

# The carried Vulkan loader and glvnd dispatch only where the machine has none of its own.
mkdir -p "$work/use-lib"
for lib in libvulkan.so.1 libGLdispatch.so.0; do
  ldconfig -p 2>/dev/null | grep -q "^[[:space:]]*$lib " || ln -s "$work/lib/$lib" "$work/use-lib/$lib"
done
export LD_LIBRARY_PATH="$work/use-lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# NVIDIA's ICD sits outside the loader's search path on the device image (device README).
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    # Both names: loaders before 1.3.207 read only VK_ICD_FILENAMES, where the machine's own loader is older.
    if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"; break; fi
  done
fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
export MICON_TFJS_WASM_PATH="$work/wasm/"
carried="$(ls "$work/use-lib" | tr '\n' ' ')"
echo "run.sh: Vulkan driver file: ${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-none set, the loader searches its default folders}}; carried libraries in use: ${carried:-none, the machine has its own}" >&2

mkdir -p "$out"
if command -v nvidia-smi >/dev/null; then nvidia-smi >"$out/nvidia-smi.txt" 2>&1 || true; fi
set +e
# stderr (progress) to the screen and the log; stdout (the JSON, also written by --out) is not needed.
"$work/node" "$work/bench.mjs" "$@" --out "$out/gpu-bench.json" 2>&1 >/dev/null | tee "$out/gpu-bench.log" >&2
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ] || [ ! -f "$out/gpu-bench.json" ]; then
  echo "run.sh: the bench failed (exit $rc); see $out/gpu-bench.log" >&2
  exit $((rc == 0 ? 1 : rc))
fi
echo "== bench gpu ($out/gpu-bench.json)"
"$work/node" "$work/bench.mjs" --summary "$out/gpu-bench.json"
