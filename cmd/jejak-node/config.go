package main

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/jejak/jejak/node"
)

// resolve fills the global settings that no flag set: from the environment,
// then from the config file, then defaults. The config file is --config,
// $JEJAK_CONFIG, or config.json in the data folder when that exists.
func (c *cli) resolve() error {
	g := &c.g
	if g.config == "" {
		g.config = c.getenv("JEJAK_CONFIG")
	}
	explicit := g.config != ""
	if explicit {
		if err := c.readConfig(g.config, true); err != nil {
			return err
		}
	}
	g.data = first(g.data, c.getenv("JEJAK_DATA"), g.file.Data)
	if g.data == "" {
		d, err := node.DefaultDataDir(c.getenv)
		if err != nil {
			return inputErrorf("%v", err)
		}
		g.data = d
	}
	if abs, err := filepath.Abs(g.data); err == nil {
		g.data = abs
	}
	if !explicit {
		g.config = filepath.Join(g.data, "config.json")
		if err := c.readConfig(g.config, false); err != nil {
			return err
		}
	}
	g.network = first(g.network, c.getenv("JEJAK_NETWORK"), g.file.Network)
	return nil
}

// readConfig reads the config file at path. A missing file is an error only
// when it was asked for by name.
func (c *cli) readConfig(path string, mustExist bool) error {
	f, err := node.ReadFileConfig(path)
	if errors.Is(err, fs.ErrNotExist) && !mustExist {
		return nil
	}
	if err != nil {
		return inputErrorf("%v", err)
	}
	c.g.file = f
	return nil
}

// list returns a list setting: the flag's values, else the environment
// variable's (separated by commas or spaces), else the config file's.
func (c *cli) list(flagged []string, envName string, file []string) []string {
	if len(flagged) > 0 {
		return flagged
	}
	if v := c.getenv(envName); v != "" {
		return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' })
	}
	return file
}

// duration returns a duration setting: the flag's value when it was set,
// else the environment variable's, else the config file's, else 0 (the
// node's default).
func (c *cli) duration(flagSet bool, flagVal time.Duration, envName, file string) (time.Duration, error) {
	if flagSet {
		return flagVal, nil
	}
	if v := c.getenv(envName); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return 0, inputErrorf("%s=%q: want a duration such as 30s or 1m", envName, v)
		}
		return d, nil
	}
	if file != "" {
		d, err := time.ParseDuration(file)
		if err != nil {
			return 0, inputErrorf("config file %s: sync_interval %q: want a duration such as 30s or 1m", c.g.config, file)
		}
		return d, nil
	}
	return 0, nil
}

func first(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// strList is a flag that may be given more than once; each value may also
// hold several items separated by commas.
type strList []string

func (l *strList) String() string { return strings.Join(*l, ",") }

func (l *strList) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

// multi is a flag that may be given more than once, each value whole.
type multi []string

func (l *multi) String() string { return strings.Join(*l, "; ") }

func (l *multi) Set(s string) error { *l = append(*l, s); return nil }
