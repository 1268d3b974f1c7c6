package node

import (
	"fmt"
	"io"
	"os"

	"github.com/jejak/jejak/internal/atomicfile"
	"github.com/jejak/jejak/protocol"
)

// maxKeyFile bounds what loadKeyFile reads: a key file is a few hundred
// bytes.
const maxKeyFile = 1 << 20

// saveKeyFile writes keys encrypted with passphrase (scrypt cost
// workFactor, 0 for the default) to path, readable by the owner only, whole
// or not at all.
func saveKeyFile(path, passphrase string, keys protocol.KeySet, workFactor int) error {
	err := atomicfile.WriteFunc(path, 0o600, func(w io.Writer) error {
		return protocol.EncryptKeys(w, passphrase, keys, workFactor)
	})
	if err != nil {
		return fmt.Errorf("save key file: %w", err)
	}
	return nil
}

// loadKeyFile reads a key file written by saveKeyFile. Errors name the file
// and wrap protocol.ErrWrongPassphrase, protocol.ErrKeyFileDamaged or the
// file system's error.
func loadKeyFile(path, passphrase string) (protocol.KeySet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load key file: %w", err)
	}
	defer f.Close()
	keys, err := protocol.DecryptKeys(io.LimitReader(f, maxKeyFile), passphrase)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return keys, nil
}
