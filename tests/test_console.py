"""The console and the one-off commands as an editor meets them: Ctrl+C in a real
terminal, answer files changed while it runs, nothing recorded unless asked."""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ANSWERS, ROOT, child_env, write_answer

BREAD = "Quelle est la meilleure recette de pain au levain ?"


def read_until(fd: int, marker: bytes, timeout: float) -> bytes:
    """Read a pseudo-terminal until ``marker`` shows (or the time runs out)."""
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the other side closed
                break
            if not chunk:
                break
            seen += chunk
    return seen


def wait_exit(pid: int, timeout: float) -> int | None:
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.02)


def test_ctrl_c_at_the_prompt_quits_at_once_with_exit_0(tmp_path: Path) -> None:
    """Through a real pseudo-terminal: the terminal turns the ^C byte into SIGINT for the
    console's process group, as when a person presses Ctrl+C."""
    env = child_env(
        {
            "ANSWERS_DIR": str(ANSWERS),
            "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
            "SEMANTIC": "off",
            "TERM": "dumb",
        }
    )
    pid, fd = pty.fork()
    if pid == 0:  # the child: the console, with the terminal as its controlling tty
        os.chdir(tmp_path)
        # A person's shell starts programs with Ctrl+C live; a test runner started in the
        # background (nohup, `&`) ignores SIGINT, and an ignored signal survives exec.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execve(sys.executable, [sys.executable, "-m", "bot", "console"], env)
    code: int | None = None
    try:
        shown = read_until(fd, b"Toi > ", timeout=60)
        assert b"Toi > " in shown, shown.decode(errors="replace")
        time.sleep(0.3)  # the prompt is waiting in input()
        pressed = time.monotonic()
        os.write(fd, b"\x03")  # Ctrl+C, and no Enter after it
        code = wait_exit(pid, timeout=5)
        elapsed = time.monotonic() - pressed
        rest = read_until(fd, b"\xc3\x80 bient\xc3\xb4t", timeout=1)
    finally:
        if code is None and wait_exit(pid, timeout=0) is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    assert code == 0, (code, rest)
    assert elapsed < 3, f"{elapsed:.1f} s after Ctrl+C"
    assert "À bientôt" in rest.decode(errors="replace")
    assert b"Traceback" not in rest and b"KeyboardInterrupt" not in rest


def test_the_console_serves_an_answer_file_added_while_it_runs(tmp_path: Path) -> None:
    answers = tmp_path / "answers"
    shutil.copytree(ANSWERS, answers)
    console = subprocess.Popen(
        [sys.executable, "-m", "bot", "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=child_env({"ANSWERS_DIR": str(answers), "DATABASE_PATH": str(tmp_path / "bot.sqlite3"), "SEMANTIC": "off"}),
        cwd=tmp_path,
    )
    assert console.stdin is not None and console.stdout is not None

    def ask(question: str) -> str:
        assert console.stdin is not None and console.stdout is not None
        console.stdin.write(question + "\n")
        console.stdin.flush()
        lines = []
        while not lines or not lines[-1].startswith("Bot > "):
            line = console.stdout.readline()
            assert line, "the console stopped"
            lines.append(line)
        return "".join(lines)

    try:
        assert "équipe de rédaction" in ask(BREAD)
        write_answer(
            answers,
            "pain-au-levain",
            title="Comment faire du pain au levain ?",
            questions=(BREAD, "Une recette de pain au levain ?", "Comment réussir son levain ?"),
            body="Farine, eau, sel et beaucoup de patience.",
        )
        second = ask(BREAD)
        assert "Fichiers modifiés" in second
        assert "Bot > **Comment faire du pain au levain" in second
        _, err = console.communicate("quitter\n", timeout=60)
    finally:
        if console.poll() is None:
            console.kill()
    assert console.returncode == 0, err
    assert "Traceback" not in err


def test_ask_and_the_console_record_nothing_unless_told_to(run_cli) -> None:
    assert run_cli("ask", BREAD).returncode == 0
    assert run_cli("ask", "Combien gagne un community manager ?").returncode == 0
    console = run_cli("console", input=f"{BREAD}\nquitter\n")
    assert console.returncode == 0 and "ne sont pas enregistrées" in console.stdout
    assert "Aucun groupe ouvert" in run_cli("unanswered", "list").stdout
    assert "Questions posées : 0" in run_cli("stats").stdout

    assert run_cli("ask", BREAD, "--record").returncode == 0
    recorded = run_cli("console", "--record", input=f"{BREAD}\nquitter\n")
    assert "sont enregistrées comme sur Discord" in recorded.stdout
    assert "posée 2 fois" in run_cli("unanswered", "list").stdout
    assert "Questions posées : 2" in run_cli("stats").stdout
    for command in ("ask", "console"):
        assert "--record" in run_cli(command, "--help").stdout


def test_group_ids_are_taken_with_or_without_the_hash_list_prints(run_cli) -> None:
    assert run_cli("ask", BREAD, "--record").returncode == 0
    listing = run_cli("unanswered", "list").stdout
    assert "#1 " in listing
    plain, hashed = run_cli("unanswered", "show", "1"), run_cli("unanswered", "show", "#1")
    assert hashed.returncode == 0, hashed.stderr
    assert hashed.stdout == plain.stdout and "Groupe #1" in hashed.stdout
    dismissed = run_cli("unanswered", "dismiss", "#1", "--reason", "hors sujet")
    assert dismissed.returncode == 0 and "Groupe #1 écarté" in dismissed.stdout


def test_version_is_the_package_version(run_cli) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"python -m bot {version}"


ENGLISH = ("usage:", "show this help", "positional arguments", "error:", "the following arguments", "invalid choice")


def test_help_and_usage_errors_speak_french_everywhere(run_cli) -> None:
    commands = [
        (),
        *((name,) for name in ("run", "invite", "migrate", "backup", "forget-user", "check", "show", "ask", "console")),
        ("index",),
        ("eval",),
        ("stats",),
        ("unanswered",),
        *(("unanswered", action) for action in ("list", "show", "resolve", "dismiss", "export")),
    ]
    for command in commands:
        result = run_cli(*command, "--help")
        assert result.returncode == 0, command
        assert result.stdout.startswith("utilisation : "), command
        assert "afficher cette aide" in result.stdout, command
        assert not any(word in result.stdout for word in ENGLISH), (command, result.stdout)
    for wrong in (("danse",), ("ask",), ("unanswered", "show", "abc"), ("unanswered", "list", "--status", "x")):
        result = run_cli(*wrong)
        assert result.returncode == 2, wrong
        assert " : erreur : " in result.stderr, (wrong, result.stderr)
        assert not any(word in result.stderr for word in ENGLISH), (wrong, result.stderr)


def test_an_unusable_database_path_is_one_line_naming_the_setting_exit_2(run_cli, tmp_path: Path) -> None:
    a_file = tmp_path / "un-fichier"
    a_file.write_text("pas un dossier", encoding="utf-8")
    not_a_database = tmp_path / "notes.sqlite3"
    not_a_database.write_text("ceci n'est pas une base SQLite, mais un texte assez long pour le voir" * 20)
    for path in (a_file / "bot.sqlite3", not_a_database, tmp_path):
        for command in (["ask", "salut"], ["unanswered", "list"], ["migrate"], ["console"]):
            result = run_cli(*command, env={"DATABASE_PATH": str(path)}, input="")
            assert result.returncode == 2, (path, command, result.stderr)
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1, (path, command, result.stderr)
            assert lines[0].startswith("Réglage invalide — DATABASE_PATH: "), lines
            assert "Event loop is closed" not in result.stderr


def test_run_with_an_unusable_database_path_stops_before_discord(run_cli, tmp_path: Path) -> None:
    a_file = tmp_path / "un-fichier"
    a_file.write_text("pas un dossier", encoding="utf-8")
    result = run_cli("run", env={"DISCORD_TOKEN": "pas-un-vrai-jeton", "DATABASE_PATH": str(a_file / "bot.sqlite3")})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [  # nothing loaded, nothing logged before it
        f"Réglage invalide — DATABASE_PATH: {a_file} est un fichier : il ne peut pas contenir {a_file / 'bot.sqlite3'}"
    ]
    assert "Traceback" not in result.stderr and "Event loop is closed" not in result.stderr


def test_check_fails_on_an_empty_answers_folder(run_cli, tmp_path: Path) -> None:
    empty = tmp_path / "vide"
    empty.mkdir()
    result = run_cli("check", "--answers", str(empty))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{empty}:1: aucune réponse dans ce dossier : une réponse est un fichier <slug>.md.jinja"
    ]


def test_check_explains_a_french_colon_in_the_title(run_cli, answers_dir: Path) -> None:
    path = write_answer(answers_dir, "metier", title="Le métier : les bases")
    result = run_cli("check", "--answers", str(answers_dir))
    assert result.returncode == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"{path}:2: en-tête YAML invalide : « : » au milieu d'une valeur")
    assert "guillemets" in line and "mapping values" not in line


def immutable(path: Path) -> bool:
    """Make ``path`` unwritable even for root (``chattr +i``), if this machine lets us."""
    if os.geteuid() != 0:
        path.chmod(0o555 if path.is_dir() else 0o444)
        return True
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


def writable_again(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    path.chmod(0o755 if path.is_dir() else 0o644)


def test_a_read_only_database_or_folder_is_one_line_naming_the_setting(run_cli, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    database = folder / "bot.sqlite3"
    assert run_cli("migrate", env={"DATABASE_PATH": str(database)}).returncode == 0
    for target, message in (
        (database, f"{database} est en lecture seule : le bot doit pouvoir y écrire"),
        (folder, f"le dossier {folder} est en lecture seule"),
    ):
        if target is folder:
            for extra in folder.iterdir():
                extra.unlink()
        if not immutable(target):
            pytest.skip("cannot make a file read-only for root here (no chattr)")
        try:
            result = run_cli("ask", "salut", env={"DATABASE_PATH": str(database)})
        finally:
            writable_again(target)
        assert result.returncode == 2, result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(f"Réglage invalide — DATABASE_PATH: {message}"), line
