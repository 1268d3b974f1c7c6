package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/jejak/jejak/node"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/node/localapi"
	"github.com/jejak/jejak/storage"
)

// service returns the api.Service of the data folder: a client of the node
// serving it when its socket answers, or else a node opened here with the
// least networking (loopback only, no discovery, no periodic sync). The
// returned function releases it.
func (c *cli) service() (api.Service, func(), error) {
	if err := c.resolve(); err != nil {
		return nil, nil, err
	}
	if cl, ok := c.dial(); ok {
		return cl, func() { cl.Close() }, nil
	}
	cfg := c.nodeConfig()
	cfg.Net.ListenAddrs = []string{"/ip4/127.0.0.1/tcp/0"}
	cfg.Net.EnableMDNS, cfg.Net.EnableDHT = false, false
	cfg.Net.Bootstrap, cfg.Net.Relays = nil, nil
	cfg.Net.SyncInterval = -1
	cfg.Net.UserAgent = "jejak-node/" + version
	cfg.Logger = c.logger(slog.LevelError)
	n, err := node.New(c.ctx, cfg)
	// Another process holds the store: it serves the socket, or is about
	// to (another command run at the same moment). Ask it.
	for deadline := time.Now().Add(inUseWait); errors.Is(err, storage.ErrInUse) && time.Now().Before(deadline); {
		if cl, ok := c.dial(); ok {
			return cl, func() { cl.Close() }, nil
		}
		time.Sleep(100 * time.Millisecond)
		n, err = node.New(c.ctx, cfg)
	}
	if err != nil {
		return nil, nil, err
	}
	return n, func() {
		if err := n.Close(); err != nil {
			fmt.Fprintf(c.stderr, "jejak-node: %v\n", err)
		}
	}, nil
}

// inUseWait is how long a command waits for the process that holds the
// data folder's store to answer on its socket.
const inUseWait = 5 * time.Second

// dial returns a client of the node serving the data folder, if one
// answers.
func (c *cli) dial() (*localapi.Client, bool) {
	if _, err := os.Stat(localapi.SocketPath(c.g.data)); err != nil {
		return nil, false
	}
	cl, err := localapi.Dial(c.ctx, c.g.data)
	return cl, err == nil
}

// withService runs f with the data folder's service and a context that
// bounds the work (a few minutes: Verify may ask peers).
func (c *cli) withService(f func(ctx context.Context, svc api.Service) error) error {
	svc, release, err := c.service()
	if err != nil {
		return err
	}
	defer release()
	ctx, cancel := context.WithTimeout(c.ctx, 5*time.Minute)
	defer cancel()
	err = f(ctx, svc)
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("timed out: %w", err)
	}
	return err
}

// nodeConfig returns the node configuration the data folder's config file
// gives, with the data folder and network the global settings chose.
func (c *cli) nodeConfig() node.Config {
	cfg := node.Config{DataDir: c.g.data}
	c.g.file.ApplyTo(&cfg)
	cfg.Net.Network = c.g.network
	return cfg
}

// logger returns a text logger on stderr at level.
func (c *cli) logger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: level}))
}
