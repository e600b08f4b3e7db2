#!/usr/bin/env bash
# Checks ResilientSse as users get it, after the tests (.ci/run calls it):
#   1. packs the library into a local folder feed, under a version no earlier run used (the global
#      NuGet cache would otherwise serve a stale package of the same version);
#   2. restores and builds eng/consumer/Consumer from that feed and runs it against the reference
#      server: it starts a "quick" execution and must watch it to its terminal event;
#   3. builds README.md's "Using the library" example, exactly as written there, against the package;
#   4. packs samples/Watcher as the .NET tool `ssewatch`, installs it from the local feed into a
#      temporary tool path, and runs `ssewatch --help` and `ssewatch run quick` against the reference server;
#   5. publishes samples/Watcher as a native (AOT) executable with every trim/AOT warning an error,
#      and runs it once against the reference server.
# Every wait is bounded and the reference server is stopped on exit, whatever happens.
set -euo pipefail
# The whole script is one function, so that bash has read all of it before it runs a line.
main() {
  root="$(cd "$(dirname "$0")/.." && pwd)"
  cd "$root"

  work="$root/artifacts/package-check"
  rm -rf "$work"
  mkdir -p "$work/feed"
  server_pid=""
  cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
      kill "$server_pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$server_pid" 2>/dev/null || true
    fi
  }
  trap cleanup EXIT

  step_started=0
  step() { step_started=$SECONDS; echo "== package check: $*"; }
  step_done() { echo "   ($((SECONDS - step_started)) s)"; }

  step "pack"
  base_version="$(dotnet msbuild src/ResilientSse/ResilientSse.csproj -getProperty:Version -p:Configuration=Release)"
  version="${base_version}-check.$(date -u +%Y%m%d%H%M%S).$$"
  dotnet pack src/ResilientSse/ResilientSse.csproj -c Release -p:Version="$version" -o "$work/feed" --nologo
  package="$work/feed/ResilientSse.$version.nupkg"
  test -f "$package"
  test -f "$work/feed/ResilientSse.$version.snupkg"
  # What the package must carry: the public API's XML docs, the readme, and — built from a git clone — the
  # commit, in the repository metadata and in the assembly's informational version.
  # (Each listing goes to a file first: under pipefail, a grep -q that stops reading would fail the pipe.)
  unzip -l "$package" >"$work/package.list"
  grep -q 'lib/net10.0/ResilientSse.xml' "$work/package.list"
  grep -q 'PACKAGE.md' "$work/package.list"
  if commit="$(git rev-parse HEAD 2>/dev/null)"; then
    unzip -p "$package" ResilientSse.nuspec >"$work/package.nuspec"
    grep -q "commit=\"$commit\"" "$work/package.nuspec" \
      || { echo "the package's nuspec does not name the commit $commit" >&2; exit 1; }
    unzip -p "$package" lib/net10.0/ResilientSse.dll >"$work/package.dll"
    strings "$work/package.dll" >"$work/package.strings"
    grep -q "$version+$commit" "$work/package.strings" \
      || { echo "the assembly's informational version is not $version+$commit" >&2; exit 1; }
    echo "   carries commit $commit"
  fi
  step_done

  step "reference server (memory store, a free loopback port)"
  # Debug: the configuration `dotnet test` has just built, so this build has next to nothing to do.
  dotnet build samples/ReferenceServer/ReferenceServer.csproj -c Debug --nologo -v quiet
  dotnet samples/ReferenceServer/bin/Debug/net10.0/ResilientSse.ReferenceServer.dll \
    --urls http://127.0.0.1:0 --store memory >"$work/server.log" 2>&1 &
  server_pid=$!
  server=""
  for _ in $(seq 1 300); do
    server="$(sed -n 's|^Reference server listening on \(http://[^ ]*\) .*|\1|p' "$work/server.log" | head -n 1)"
    [ -n "$server" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$server" ]; then
    echo "the reference server did not start within 30 s:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  echo "   listening on $server"
  step_done

  step "samples/Watcher as the .NET tool ssewatch, installed from the local feed"
  dotnet pack samples/Watcher/Watcher.csproj -c Release -p:Version="$version" -o "$work/tool-feed" --nologo -v quiet
  test -f "$work/tool-feed/ResilientSse.Watcher.$version.nupkg"
  # Installed from outside the clone, as a user would: the repository's nuget.config maps every package to
  # nuget.org, and dotnet tool install refuses --add-source under a source mapping.
  tool_home="$(mktemp -d)"
  (cd "$tool_home" && timeout 120 dotnet tool install --tool-path "$tool_home/tools" \
    --add-source "$work/tool-feed" --version "$version" ResilientSse.Watcher)
  timeout 30 "$tool_home/tools/ssewatch" --help >"$work/tool-help.txt"
  grep -q 'ssewatch \[command\]' "$work/tool-help.txt" \
    || { echo "ssewatch --help does not name the program ssewatch" >&2; cat "$work/tool-help.txt" >&2; exit 1; }
  timeout 60 "$tool_home/tools/ssewatch" run quick --server "$server" --format jsonl | tee "$work/tool.jsonl"
  grep -q '"terminal":true' "$work/tool.jsonl"
  rm -rf "$tool_home"
  step_done

  step "consumer project and README.md's example (Using the library), from the local feed"
  # README's example is the first ```csharp block after that heading, taken verbatim.
  awk '/^## Using the library/ { section = 1; next }
       section && /^## / { exit }
       section && !inside && /^```csharp/ { inside = 1; next }
       inside && /^```/ { exit }
       inside { print }' README.md >"$work/ReadmeProgram.cs"
  if [ ! -s "$work/ReadmeProgram.cs" ]; then
    echo "README.md has no \`\`\`csharp block under '## Using the library'" >&2
    exit 1
  fi
  cp "$work/ReadmeProgram.cs" eng/consumer/ReadmeExample/Program.cs
  dotnet build eng/consumer/consumers.slnx -c Release -p:ResilientSseVersion="$version" --nologo -v quiet
  timeout 90 dotnet eng/consumer/Consumer/bin/Release/net10.0/Consumer.dll "$server"
  step_done

  step "samples/Watcher as a native executable (AOT, linux-x64, warnings are errors)"
  # Trim and AOT analysis warnings come from the native compiler: the log is checked as well.
  dotnet publish samples/Watcher/Watcher.csproj -c Release -r linux-x64 -p:PublishAot=true \
    -p:TreatWarningsAsErrors=true -o "$work/watcher-native" --nologo \
    | tee "$work/publish.log"
  if grep -E -i '(^|[^0-9a-z])warning [a-z]*[0-9]+' "$work/publish.log"; then
    echo "the native publish of samples/Watcher has warnings" >&2
    exit 1
  fi
  timeout 60 "$work/watcher-native/ResilientSse.Watcher" run quick --server "$server" --format jsonl | tee "$work/watcher.jsonl"
  grep -q '"terminal":true' "$work/watcher.jsonl"
  step_done

  echo "== package check passed: ResilientSse $version"
}

main "$@"
