package mongo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Embedded is a MongoDB-compatible server running inside this process: FerretDB v1 with its
// SQLite backend, listening on a loopback address so that any MongoDB client can look in.
// It serves one process only, and conditional updates on it are atomic only through a single
// connection (docs/architecture.md §2), so Connect is given MaxPoolSize 1 for it.
type Embedded struct {
	dir    string
	uri    string
	addr   string
	cancel context.CancelFunc
	done   chan struct{}
}

// StartEmbedded starts FerretDB with its SQLite files in dir, listening on addr
// ("127.0.0.1:0" picks a free port). It returns once the listener accepts connections.
func StartEmbedded(dir, addr string, logger *slog.Logger) (*Embedded, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("embedded mongo: data folder: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("embedded mongo: data folder: %w", err)
	}
	// Probe the address first: FerretDB's own listener error would surface only from Run.
	probe, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("embedded mongo: cannot listen on %s: %w", addr, err)
	}
	if err := probe.Close(); err != nil {
		return nil, err
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: addr},
		Handler:  "sqlite",
		// WAL with synchronous=NORMAL: a commit survives a crash of this process (the WAL is
		// written) but is not fsynced one by one; full fsync per write made each write cost
		// milliseconds. Production durability is real MongoDB's job (docs/architecture.md §2).
		SQLiteURL: "file:" + abs + "/?_pragma=synchronous(NORMAL)",
		Logger:    quiet(logger),
	})
	if err != nil {
		return nil, fmt.Errorf("embedded mongo: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Embedded{dir: abs, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		_ = f.Run(ctx)
	}()
	uriReady := make(chan string, 1)
	go func() { uriReady <- f.MongoDBURI() }() // blocks until the listener is up
	select {
	case e.uri = <-uriReady:
	case <-e.done:
		return nil, errors.New("embedded mongo: server stopped during start-up")
	case <-time.After(30 * time.Second):
		cancel()
		return nil, errors.New("embedded mongo: listener did not come up within 30s")
	}
	e.addr = addrOf(e.uri)
	return e, nil
}

// URI is the mongodb:// address of the server.
func (e *Embedded) URI() string { return e.uri }

// Addr is the host:port the server listens on.
func (e *Embedded) Addr() string { return e.addr }

// Close stops the server and waits until its files are closed.
func (e *Embedded) Close() {
	e.cancel()
	<-e.done
}

func addrOf(uri string) string {
	const scheme = "mongodb://"
	s := uri[len(scheme):]
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return s[:i]
		}
	}
	return s
}

// quiet returns a logger for FerretDB that drops its per-request chatter: it logs every error
// reply (a duplicate key, say, which is an ordinary answer for us) at WARN.
func quiet(logger *slog.Logger) *slog.Logger {
	if logger == nil {
		logger = slog.Default()
	}
	return slog.New(levelFloor{logger.Handler(), slog.LevelError}).With("component", "embedded-mongo")
}

type levelFloor struct {
	slog.Handler
	min slog.Level
}

func (h levelFloor) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h levelFloor) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFloor{h.Handler.WithAttrs(a), h.min}
}

func (h levelFloor) WithGroup(name string) slog.Handler {
	return levelFloor{h.Handler.WithGroup(name), h.min}
}
