package node

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jejak/jejak/internal/atomicfile"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// SetLabelSettings implements api.App.
func (n *Node) SetLabelSettings(ctx context.Context, s api.LabelSettings) (api.Identity, error) {
	const op = "set label settings"
	if n.closed() {
		return api.Identity{}, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	resolver, gtins, err := CheckLabelSettings(s)
	if err != nil {
		return api.Identity{}, api.E(op, api.ErrInvalid, err)
	}
	n.labelsMu.Lock()
	if n.cfg.DataDir != "" {
		err = WriteLabelSettings(n.cfg.DataDir, resolver, gtins)
	}
	if err == nil {
		n.cfg.LabelResolver, n.cfg.GTINs = resolver, gtins
	}
	n.labelsMu.Unlock()
	if err != nil {
		return api.Identity{}, api.E(op, api.ErrUnavailable, err)
	}
	return n.Identity(ctx)
}

// labelSettings returns the resolver labels name (see labelResolver),
// whether it is the default rather than one set, and the GTINs in force.
func (n *Node) labelSettings() (string, bool, map[string]string) {
	n.labelsMu.RLock()
	defer n.labelsMu.RUnlock()
	r := n.labelResolver()
	return r, r != "" && n.cfg.LabelResolver == "", maps.Clone(n.cfg.GTINs)
}

// CheckLabelSettings checks s and returns its resolver and its GTINs as 14
// digits, without the products that have none (nil when none has). An
// error names the field: "label_resolver" or "gtins: CPO".
func CheckLabelSettings(s api.LabelSettings) (string, map[string]string, error) {
	resolver := strings.TrimSpace(s.Resolver)
	if err := protocol.CheckResolver(resolver); err != nil {
		return "", nil, fmt.Errorf("label_resolver: %w", err)
	}
	var gtins map[string]string
	for _, product := range slices.Sorted(maps.Keys(s.GTINs)) {
		g := strings.TrimSpace(s.GTINs[product])
		if g == "" {
			continue
		}
		if strings.TrimSpace(product) == "" {
			return "", nil, fmt.Errorf("gtins: GTIN %q is for no product", g)
		}
		g14, err := protocol.CheckGTIN(g)
		if err != nil {
			return "", nil, fmt.Errorf("gtins: %s: %w", product, err)
		}
		if gtins == nil {
			gtins = map[string]string{}
		}
		gtins[product] = g14
	}
	return resolver, gtins, nil
}

// WriteLabelSettings sets the label_resolver and gtins keys of the config
// file in the data folder dir (an empty resolver or no GTINs removes the
// key), keeping every other key the file holds as it is, and replaces the
// file atomically. A file that does not exist is created; one that is not
// a JSON object is left alone and reported. The settings are not checked:
// see CheckLabelSettings.
func WriteLabelSettings(dir, resolver string, gtins map[string]string) error {
	path := filepath.Join(dir, ConfigFile)
	doc := map[string]json.RawMessage{}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("config file: %w", err)
	default:
		if err := json.Unmarshal(data, &doc); err != nil {
			return fmt.Errorf("config file %s: not a JSON object: %w", path, err)
		}
		if doc == nil {
			doc = map[string]json.RawMessage{}
		}
	}
	if resolver == "" {
		delete(doc, "label_resolver")
	} else {
		doc["label_resolver"], _ = json.Marshal(resolver)
	}
	if len(gtins) == 0 {
		delete(doc, "gtins")
	} else {
		doc["gtins"], _ = json.Marshal(gtins)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	perm := fs.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		perm = fi.Mode().Perm()
	}
	if err := atomicfile.Write(path, buf.Bytes(), perm); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	return nil
}
