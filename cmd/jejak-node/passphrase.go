package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// passphrase returns the passphrase for a key file: $JEJAK_PASSPHRASE, or
// one typed at the terminal without echo (twice when confirm is set). With
// neither it is a usage error.
func (c *cli) passphrase(prompt string, confirm bool) (string, error) {
	if p, ok := c.env["JEJAK_PASSPHRASE"]; ok {
		return p, nil
	}
	f, ok := c.stdin.(*os.File)
	if !ok || !isTerminal(f) {
		return "", usageErrorf("a passphrase is needed: set JEJAK_PASSPHRASE or run on a terminal")
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
