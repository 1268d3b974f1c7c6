package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/jejak/jejak/node/api"
)

// Where scripts give passphrases; at a terminal they are typed without
// echo instead.
const (
	// envBackupPassphrase is the key backup's passphrase.
	envBackupPassphrase = "JEJAK_PASSPHRASE"
	// envOrgPassphrase is the organisation passphrase, which keeps the
	// organisation key encrypted in the data folder: the one to unlock it,
	// or, for init and keys import, the one to set.
	envOrgPassphrase = "JEJAK_ORG_PASSPHRASE"
	// envNewOrgPassphrase is the new organisation passphrase of keys
	// passphrase and keys reset-passphrase.
	envNewOrgPassphrase = "JEJAK_NEW_ORG_PASSPHRASE"
)

// passphrase returns the passphrase for a key backup: $JEJAK_PASSPHRASE, or
// one typed at the terminal without echo (twice when confirm is set). With
// neither it is a usage error.
func (c *cli) passphrase(prompt string, confirm bool) (string, error) {
	return c.secret(envBackupPassphrase, prompt, confirm)
}

// secret returns $env, or a passphrase typed at the terminal without echo
// (twice when confirm is set). With neither it is a usage error.
func (c *cli) secret(env, prompt string, confirm bool) (string, error) {
	if p, ok := c.env[env]; ok {
		return p, nil
	}
	f, ok := c.stdin.(*os.File)
	if !ok || !isTerminal(f) {
		return "", usageErrorf("%s is needed: set %s or run on a terminal", strings.ToLower(prompt[:1])+prompt[1:], env)
	}
	p, err := readHidden(f, c.stderr, prompt+": ")
	if err != nil {
		return "", err
	}
	if confirm {
		again, err := readHidden(f, c.stderr, "Again: ")
		if err != nil {
			return "", err
		}
		if again != p {
			return "", inputErrorf("the passphrases differ")
		}
	}
	return p, nil
}

// withOrgPassphrase calls f with the organisation passphrase:
// $JEJAK_ORG_PASSPHRASE when it is set. Otherwise f is called without
// one, and only when it answers that it needs one (api.ErrLocked: the
// organisation key is encrypted) is it asked at the terminal and f called
// again, once. So nothing is asked of an install whose key is unprotected,
// or of a command that turns out not to need it. confirm asks twice: a
// passphrase being set.
func (c *cli) withOrgPassphrase(confirm bool, prompt string, f func(pass string) error) error {
	if p, ok := c.env[envOrgPassphrase]; ok {
		return f(p)
	}
	err := f("")
	if !errors.Is(err, api.ErrLocked) {
		return err
	}
	if f, ok := c.stdin.(*os.File); ok && isTerminal(f) {
		fmt.Fprintf(c.stderr, "%s\n", oneLine(err.Error()))
	}
	p, err := c.secret(envOrgPassphrase, prompt, confirm)
	if err != nil {
		return err
	}
	return f(p)
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), ioctlGetTermios)
	return err == nil
}

// readHidden reads a line from the terminal f with echo turned off.
func readHidden(f *os.File, w interface{ Write([]byte) (int, error) }, prompt string) (string, error) {
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return "", fmt.Errorf("terminal: %w", err)
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON | unix.ISIG
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &quiet); err != nil {
		return "", fmt.Errorf("terminal: %w", err)
	}
	defer unix.IoctlSetTermios(fd, ioctlSetTermios, old)
	fmt.Fprint(w, prompt)
	line, err := bufio.NewReader(f).ReadString('\n')
	fmt.Fprintln(w)
	if err != nil && line == "" {
		return "", inputErrorf("no passphrase given")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
