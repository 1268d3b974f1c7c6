package p2p

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/jejak/jejak/internal/atomicfile"
)

// peerKeyFile is the peer key's file name in the data folder.
const peerKeyFile = "peer.key"

// loadPeerKey reads the libp2p peer key from dir, creating it (mode 0600)
// on first start. The peer key names the node on the network; it is not the
// organisation or device key and signs no records. An empty dir gives a new
// key that is not kept.
func loadPeerKey(dir string) (crypto.PrivKey, error) {
	if dir == "" {
		k, _, err := crypto.GenerateEd25519Key(nil)
		return k, err
	}
	path := filepath.Join(dir, peerKeyFile)
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		k, err := crypto.UnmarshalPrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("peer key %s: %w", path, err)
		}
		return k, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("peer key: %w", err)
	}
	k, _, err := crypto.GenerateEd25519Key(nil)
	if err != nil {
		return nil, fmt.Errorf("peer key: %w", err)
	}
	b, err = crypto.MarshalPrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("peer key: %w", err)
	}
	if err := atomicfile.Write(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("peer key: %w", err)
	}
	return k, nil
}
