package node

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/jejak/jejak/internal/jsonerr"
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol"
)

// ConfigFile is the name of the config file in the data folder. The desktop
// app and jejak-node both read it.
const ConfigFile = "config.json"

// FileConfig is the config file: JSON with these optional fields. For
// jejak-node, flags and environment variables take precedence over it; the
// desktop app has neither and takes it as it is.
//
//	{
//	  "data": "/var/lib/jejak",
//	  "network": "main",
//	  "listen": ["/ip4/0.0.0.0/tcp/4001", "/ip4/0.0.0.0/udp/4001/quic-v1"],
//	  "bootstrap": ["/dns4/relay.example.org/tcp/4001/p2p/12D3…"],
//	  "relays": ["/dns4/relay.example.org/tcp/4001/p2p/12D3…"],
//	  "mdns": true,
//	  "dht": true,
//	  "metrics": "127.0.0.1:9464",
//	  "sync_interval": "1m",
//	  "key_work_factor": 18,
//	  "record_format": 2
//	}
//
// "data" only means something in a file named with --config; "metrics"
// only to jejak-node serve. A desktop that must stay on this computer (a
// test, a demonstration) sets "listen" to ["/ip4/127.0.0.1/tcp/0"] and
// "mdns" and "dht" to false.
type FileConfig struct {
	Data          string   `json:"data,omitempty"`
	Network       string   `json:"network,omitempty"`
	Listen        []string `json:"listen,omitempty"`
	Bootstrap     []string `json:"bootstrap,omitempty"`
	Relays        []string `json:"relays,omitempty"`
	MDNS          *bool    `json:"mdns,omitempty"`
	DHT           *bool    `json:"dht,omitempty"`
	Metrics       string   `json:"metrics,omitempty"`
	SyncInterval  string   `json:"sync_interval,omitempty"`
	KeyWorkFactor int      `json:"key_work_factor,omitempty"`
	RecordFormat  int      `json:"record_format,omitempty"`
	// LabelResolver is the host labels name: "verify.example.org" makes
	// labels https://verify.example.org/b/<batch>. GTINs maps a product
	// ("CPO") to its GS1 GTIN, for labels in the GS1 Digital Link form.
	LabelResolver string            `json:"label_resolver,omitempty"`
	GTINs         map[string]string `json:"gtins,omitempty"`
}

// ReadFileConfig reads the config file at path. A file that does not exist
// gives an error wrapping fs.ErrNotExist; one that is not valid JSON, has a
// field this release does not know or a value it cannot use gives an
// error naming the file, the line and the column.
func ReadFileConfig(path string) (FileConfig, error) {
	var f FileConfig
	data, err := os.ReadFile(path)
	if err != nil {
		return f, fmt.Errorf("config file: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return FileConfig{}, fmt.Errorf("config file %s: %s", path, jsonerr.Describe(data, err))
	}
	if _, err := f.syncInterval(); err != nil {
		return FileConfig{}, fmt.Errorf("config file %s: %w", path, err)
	}
	if f.RecordFormat != 0 && (f.RecordFormat < protocol.MinVersion || f.RecordFormat > protocol.Version) {
		return FileConfig{}, fmt.Errorf("config file %s: record_format %d: this release signs formats %d to %d", path, f.RecordFormat, protocol.MinVersion, protocol.Version)
	}
	if f.KeyWorkFactor != 0 && (f.KeyWorkFactor < protocol.MinScryptWorkFactor || f.KeyWorkFactor > protocol.MaxScryptWorkFactor) {
		return FileConfig{}, fmt.Errorf("config file %s: key_work_factor %d: want %d to %d", path, f.KeyWorkFactor, protocol.MinScryptWorkFactor, protocol.MaxScryptWorkFactor)
	}
	if err := protocol.CheckResolver(f.LabelResolver); err != nil {
		return FileConfig{}, fmt.Errorf("config file %s: label_resolver: %w", path, err)
	}
	for product, g := range f.GTINs {
		if _, err := protocol.CheckGTIN(g); err != nil {
			return FileConfig{}, fmt.Errorf("config file %s: gtins: %q: %w", path, product, err)
		}
	}
	if f.Network != "" {
		if err := p2p.CheckNetworkName(f.Network); err != nil {
			return FileConfig{}, fmt.Errorf("config file %s: %w", path, err)
		}
	}
	return f, nil
}

func (f FileConfig) syncInterval() (time.Duration, error) {
	if f.SyncInterval == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(f.SyncInterval)
	if err != nil {
		return 0, fmt.Errorf("sync_interval %q: want a duration such as 30s or 1m", f.SyncInterval)
	}
	return d, nil
}

// ApplyTo sets the fields of c that the file sets, and leaves the others.
func (f FileConfig) ApplyTo(c *Config) {
	if f.Network != "" {
		c.Net.Network = f.Network
	}
	if len(f.Listen) > 0 {
		c.Net.ListenAddrs = f.Listen
	}
	if len(f.Bootstrap) > 0 {
		c.Net.Bootstrap = f.Bootstrap
	}
	if len(f.Relays) > 0 {
		c.Net.Relays = f.Relays
	}
	if f.MDNS != nil {
		c.Net.EnableMDNS = *f.MDNS
	}
	if f.DHT != nil {
		c.Net.EnableDHT = *f.DHT
	}
	if d, err := f.syncInterval(); err == nil && d != 0 {
		c.Net.SyncInterval = d
	}
	if f.KeyWorkFactor != 0 {
		c.KeyWorkFactor = f.KeyWorkFactor
	}
	if f.RecordFormat != 0 {
		c.RecordFormat = f.RecordFormat
	}
	if f.LabelResolver != "" {
		c.LabelResolver = f.LabelResolver
	}
	if len(f.GTINs) > 0 {
		c.GTINs = f.GTINs
	}
}
