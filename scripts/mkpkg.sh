#!/usr/bin/env bash
# scaffolding helper used once when creating packages: mkpkg.sh <dir> <name> <tag> <deps...>
set -e
dir=$1; name=$2; tag=$3; shift 3
mkdir -p "$dir/src"
deps=""; refs=""
for d in "$@"; do deps="$deps\"@cairn/$d\": \"0.1.0\","; 
  if [ -d "libs/$d" ]; then refs="$refs{\"path\": \"../../libs/$d\"},"; else refs="$refs{\"path\": \"../../services/$d\"},"; fi; done
deps="${deps%,}"; refs="${refs%,}"
cat > "$dir/package.json" <<J
{
  "name": "@cairn/$name",
  "version": "0.1.0",
  "private": true,
  "type": "module",
  "exports": { ".": { "types": "./dist/index.d.ts", "default": "./dist/index.js" } },
  "dependencies": { $deps }
}
J
cat > "$dir/tsconfig.json" <<J
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "tsBuildInfoFile": "dist/.tsbuildinfo" },
  "include": ["src/**/*.ts"],
  "exclude": ["src/**/*.test.ts"],
  "references": [$refs]
}
J
cat > "$dir/project.json" <<J
{
  "name": "$name",
  "\$schema": "../../node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$dir/src",
  "projectType": "$( [ "$tag" = service ] && echo application || echo library )",
  "tags": ["type:$tag"],
  "targets": {
    "build": { "executor": "nx:run-commands", "options": { "command": "tsc -b $dir/tsconfig.json" } },
    "typecheck": { "executor": "nx:run-commands", "options": { "command": "tsc -b $dir/tsconfig.json" } },
    "lint": { "executor": "nx:run-commands", "options": { "command": "eslint $dir/src" } },
    "test": { "executor": "nx:run-commands", "options": { "command": "vitest run --dir $dir --passWithNoTests" } }
  }
}
J
