#!/usr/bin/env bash
# Builds a tree of model files for the scan benchmark from the project's own fixtures, as hard
# links (no extra disk): COPIES copies of
#   examples/                               21 models: Hugging Face folders, 2 ONNX files
#   core/src/test/resources/onnx|torch|keras   ONNX, TorchScript, PyTorch checkpoints, Keras
#   hub/models--ORG--NAME/snapshots/REV/    a Hugging Face cache of 5 repositories whose snapshot
#                                           files are symbolic links into blobs/, as huggingface_hub
#                                           writes them (one repository with two revisions)
# The malformed-input corpus is left out: every file in the tree is a model neuronfit reads.
#
#   bench/scan/make_tree.sh TREE COPIES
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tree="$1"
copies="$2"
res="$root/core/src/test/resources"

# a cached repository: every file of SRC as a blob named by its hash, linked from the snapshot
cache_repo() {
  local hub="$1" repo="$2" rev="$3" src="$4"
  local dir="$hub/models--$repo"
  mkdir -p "$dir/blobs" "$dir/refs" "$dir/snapshots/$rev"
  printf '%s' "$rev" >"$dir/refs/main"
  (cd "$src" && find . -type f) | while read -r f; do
    local blob
    blob="$(sha1sum "$src/$f" | cut -c1-40)"
    [ -e "$dir/blobs/$blob" ] || ln "$src/$f" "$dir/blobs/$blob"
    mkdir -p "$(dirname "$dir/snapshots/$rev/$f")"
    ln -sfn "$(realpath --relative-to="$(dirname "$dir/snapshots/$rev/$f")" "$dir/blobs/$blob")" \
      "$dir/snapshots/$rev/$f"
  done
}

rm -rf "$tree"
mkdir -p "$tree"
for i in $(seq -w 1 "$copies"); do
  c="$tree/copy$i"
  mkdir -p "$c"
  cp -al "$root/examples" "$c/examples"
  rm -rf "$c/examples/tools" "$c/examples/SOURCES.md"
  for kind in onnx torch keras; do
    mkdir -p "$c/$kind"
    find "$res/$kind" -maxdepth 1 -type f \( -name '*.onnx' -o -name '*.pt' -o -name '*.pth' \
      -o -name '*.ptl' -o -name '*.bin' -o -name '*.h5' -o -name '*.keras' \) \
      ! -name 'malicious*' -exec ln {} "$c/$kind/" \;
  done
  hub="$c/hub"
  cache_repo "$hub" "openai-community--gpt2" "607a30d783dfa663caf39e06633721c8d4cfcd7e" \
    "$root/examples/gpt2"
  cache_repo "$hub" "google-bert--bert-base-uncased" "86b5e0934494bd15c9632b12f734a8a67f723594" \
    "$root/examples/bert-base-uncased"
  cache_repo "$hub" "TinyLlama--tiny-sharded" "1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d" \
    "$root/examples/tiny-llama-2-sharded"
  cache_repo "$hub" "openai--whisper-tiny" "169d4a4341b33bc18d8881c4b69c2e104e1cc0af" \
    "$root/examples/whisper-tiny"
  cache_repo "$hub" "openai--whisper-tiny" "be0ba7c2f24f0127b27863a23a08002af4c2c279" \
    "$root/examples/whisper-tiny"
  cache_repo "$hub" "google--vit-base-patch16-224" "3f49326eb077187dfe1c2a2bb15fbd74e6ab91e3" \
    "$root/examples/vit-base-patch16-224"
done
echo "$tree: $(find "$tree" -type f | wc -l) files, $(find "$tree" -type l | wc -l) links"
