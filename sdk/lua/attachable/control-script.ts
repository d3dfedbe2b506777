/**
 * The POSIX sh script that starts, lists and kills attachable sessions on a target. It is a fixed
 * text run as `sh -c SCRIPT bioxen-sessions <op> <base> <namespace> [<name> …]`: every value is
 * a positional parameter, never part of the script. Layout: `<base>/<namespace>/<name>.sock`
 * (the session's socket, mode 0600) and `<name>.pid` ("<pid> <token>"), in directories of mode
 * 0700 owned by the user; an existing directory that is a link, has another owner or another
 * mode is refused. `<base>` empty means `${TMPDIR:-/tmp}/bioxen-luavm-<uid>`. A session is alive
 * when the pid in its file runs with the session's random token in its environment (so a reused
 * pid is never taken for it); files of dead sessions are removed when seen.
 *
 * - `start <base> <ns> <name> <token> <limit> <lua> <program>`: starts `<lua> -e <program>` in a
 *   new session (setsid, stdio on /dev/null, umask 077), waits until its socket exists, makes it
 *   mode 0600 and prints "started <pid>". Exit 4 when the name is taken.
 * - `list <base> <ns>`: prints "session <name> <pid>" per live session.
 * - `attach <base> <ns> <name> <lua> <program>`: runs `<lua> -e <program>` (the relay) with
 *   `BIOXEN_SESSION_SOCKET` naming the live session's socket. Exit 3 when there is no such session.
 * - `kill <base> <ns> <name>`: SIGKILLs the session's process group, waits until it is gone,
 *   removes its files and prints "killed <pid>". Exit 3 when there is no such session.
 */
export const CONTROL_SCRIPT = String.raw`
set -u
op=$1 base=$2 ns=$3
[ -n "$base" ] || base="${"$"}{TMPDIR:-/tmp}/bioxen-luavm-$(id -u)"
dir="$base/$ns"
fail() { code=$1; shift; printf 'bioxen-sessions: %s\n' "$*" >&2; exit "$code"; }
private_dir() {
  [ -d "$1" ] || mkdir -m 700 -- "$1" 2>/dev/null || [ -d "$1" ] || fail 2 "cannot create directory $1"
  [ ! -L "$1" ] || fail 2 "$1 is a symbolic link; refusing to use it"
  set -- "$1" $(ls -ldn -- "$1")
  case $2 in drwx------|drwx------?) ;; *) fail 2 "$1 has mode $2, expected drwx------ (chmod 700 it or choose another session directory)" ;; esac
  [ "$4" = "$(id -u)" ] || fail 2 "$1 belongs to uid $4, not to uid $(id -u)"
}
running() {
  state=$(sed -n 's/.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null)
  [ -n "$state" ] && [ "$state" != Z ]
}
live() {
  pid= token=
  [ -f "$dir/$1.pid" ] && read -r pid token < "$dir/$1.pid" || return 1
  case $pid in ''|*[!0-9]*) return 1 ;; esac
  running "$pid" && tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qxF "BIOXEN_SESSION_TOKEN=$token"
}
remove_files() { rm -f -- "$dir/$1.pid" "$dir/$1.sock" "$dir/$1.sock.new" "$dir/$1.sock.err"; }
stop() {
  kill -s KILL -- "-$1" 2>/dev/null || kill -s KILL -- "$1" 2>/dev/null
  n=0
  while running "$1" && [ "$n" -lt 1000 ]; do sleep 0.01; n=$((n + 1)); done
}
case $op in
start)
  name=$4 token=$5 limit=$6 lua=$7 program=$8
  private_dir "$base"
  private_dir "$dir"
  ! live "$name" || fail 4 "a session named $name already runs (pid $pid)"
  remove_files "$name"
  umask 077
  BIOXEN_SESSION_TOKEN=$token BIOXEN_SESSION_NAME=$name BIOXEN_SESSION_SOCKET="$dir/$name.sock" BIOXEN_SESSION_BUFFER=$limit \
    setsid "$lua" -e "$program" </dev/null >/dev/null 2>&1 &
  pid=$!
  printf '%s %s\n' "$pid" "$token" > "$dir/$name.pid"
  n=0
  # No portable way to wait for a detached process to listen: look every 10 ms, up to 10 s.
  while [ ! -S "$dir/$name.sock" ]; do
    if ! running "$pid"; then
      problem=$(cat -- "$dir/$name.sock.err" 2>/dev/null || true)
      remove_files "$name"
      fail 5 "the session process ended while starting${"$"}{problem:+: $problem}"
    fi
    n=$((n + 1))
    [ "$n" -le 1000 ] || { stop "$pid"; remove_files "$name"; fail 5 "the session process did not listen within 10 s"; }
    sleep 0.01
  done
  chmod 600 -- "$dir/$name.sock"
  printf 'started %s\n' "$pid"
  ;;
list)
  [ -d "$dir" ] || exit 0
  private_dir "$base"
  private_dir "$dir"
  for file in "$dir"/*.pid; do
    [ -e "$file" ] || continue
    name=${"$"}{file##*/}
    name=${"$"}{name%.pid}
    if live "$name"; then printf 'session %s %s\n' "$name" "$pid"; else remove_files "$name"; fi
  done
  ;;
attach)
  name=$4
  [ -d "$dir" ] || fail 3 "no session named $name"
  private_dir "$base"
  private_dir "$dir"
  live "$name" || fail 3 "no session named $name"
  BIOXEN_SESSION_SOCKET="$dir/$name.sock" exec "$5" -e "$6"
  ;;
kill)
  name=$4
  [ -d "$dir" ] || fail 3 "no session named $name"
  private_dir "$base"
  private_dir "$dir"
  if live "$name"; then
    stop "$pid"
    remove_files "$name"
    printf 'killed %s\n' "$pid"
  elif [ -e "$dir/$name.pid" ] || [ -e "$dir/$name.sock" ]; then
    remove_files "$name"
    printf 'gone\n'
  else
    fail 3 "no session named $name"
  fi
  ;;
*) fail 2 "unknown operation $op" ;;
esac
`;
