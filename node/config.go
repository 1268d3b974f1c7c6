package node

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/storage"
)

// Config says how to run an install. The zero value of every field is
// usable and documented; a Config with only a DataDir runs a desktop node on
// the main network.
type Config struct {
	// LabelResolver is the host labels' QR codes name (empty: the host of
	// the first relay or bootstrap peer given by DNS name, else the bare
	// batch ID), and GTINs the GS1 GTIN of each product that has one.
	LabelResolver string
	GTINs         map[string]string

	// DataDir is the install's folder: the record store (store/), the
	// identity (identity.json, owner only), trust anchors (anchors.json),
	// an optional conversion-bounds table (bounds.json), the peer key and
	// remembered peers of the engine, and the local API socket
	// (jejak.sock). It is created on first start. Empty means nothing is
	// kept and no socket is served; Store must then be set.
	DataDir string

	// Store is where records are kept. The node uses it and leaves it open
	// at Close. Nil means the node opens storage in DataDir/store and
	// closes it at Close.
	Store storage.Store

	// DeviceKey signs the records this node publishes, and OrgKey the
	// organisation's own records (org, device, endorse, revoke), when the
	// data folder holds no identity yet (identity.json, written by
	// CreateIdentity and RestoreIdentity, takes precedence). Zero keys mean
	// the node cannot publish those records (a relay has neither). An
	// OrgKey given here is held in memory as given and needs no
	// passphrase: Identity reports it unprotected.
	DeviceKey protocol.PrivateKey
	OrgKey    protocol.PrivateKey

	// KeyWorkFactor is the scrypt cost (log2 N) of key backups this
	// install writes, and of its organisation key encrypted at rest. Zero means protocol.DefaultScryptWorkFactor; each
	// step down halves the time and memory a backup takes to open, and to
	// guess.
	KeyWorkFactor int

	// RecordFormat is the record format version (protocol.Version1 to
	// protocol.Version) this install signs in. Zero means protocol.Version.
	// A network that still has nodes of the first release, which read only
	// format 1, sets 1 until they are upgraded: records are still checked
	// by today's rules before they are signed, and only their v says 1.
	RecordFormat int

	// Now is the clock for record times and events. Nil means time.Now.
	Now func() time.Time

	// Logger receives the node's log. Nil means slog.Default().
	Logger *slog.Logger

	// Net configures the network engine. The node fills in its DataDir,
	// Store, Events, Now and Logger.
	Net p2p.Config
}

// withDefaults returns c with every zero field replaced by its default.
func (c Config) withDefaults() (Config, error) {
	if c.DataDir == "" && c.Store == nil {
		return c, errors.New("config: need a DataDir or a Store")
	}
	if c.KeyWorkFactor != 0 && (c.KeyWorkFactor < protocol.MinScryptWorkFactor || c.KeyWorkFactor > protocol.MaxScryptWorkFactor) {
		return c, fmt.Errorf("config: key work factor %d: want %d to %d", c.KeyWorkFactor, protocol.MinScryptWorkFactor, protocol.MaxScryptWorkFactor)
	}
	switch {
	case c.RecordFormat == 0:
		c.RecordFormat = protocol.Version
	case c.RecordFormat < protocol.MinVersion || c.RecordFormat > protocol.Version:
		return c, fmt.Errorf("config: record format %d: this release signs formats %d to %d", c.RecordFormat, protocol.MinVersion, protocol.Version)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Net.Network == "" {
		c.Net.Network = p2p.DefaultNetwork
	}
	return c, nil
}

// DefaultDataDir returns the data folder an install uses when none is
// chosen: $JEJAK_DATA when set, else $XDG_DATA_HOME/jejak, else
// ~/.local/share/jejak on Linux and the BSDs, and the system's per-user
// application data folder elsewhere (Application Support on macOS,
// %AppData% on Windows). getenv reads the environment (os.Getenv). The
// desktop app and jejak-node both use it, so both find the same folder.
func DefaultDataDir(getenv func(string) string) (string, error) {
	if d := getenv("JEJAK_DATA"); d != "" {
		return filepath.Abs(d)
	}
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "jejak"), nil
	}
	if runtime.GOOS != "darwin" && runtime.GOOS != "windows" {
		home := getenv("HOME")
		if home == "" {
			var err error
			if home, err = os.UserHomeDir(); err != nil {
				return "", fmt.Errorf("data folder: %w (set JEJAK_DATA)", err)
			}
		}
		return filepath.Join(home, ".local", "share", "jejak"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("data folder: %w (set JEJAK_DATA)", err)
	}
	return filepath.Join(d, "Jejak"), nil
}
