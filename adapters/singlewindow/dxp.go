// Package singlewindow is Silkgate's gateway to the China international trade Single Window:
// it builds the CEB (and entry declaration) messages from declarations with the ceb codec,
// reads receipts, and exchanges them either with the simulated customs authority (the default)
// or, like an enterprise E-Port client, through DXP exchange folders.
package singlewindow

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/silkgate/silkgate/adapters/singlewindow/ceb"
	"github.com/silkgate/silkgate/app"
)

// DXPFolder exchanges messages through folders, the way enterprise Single Window clients do:
// each outgoing message is written as one file into the outbox folder, where the E-Port client
// picks it up; receipt files the client drops into the inbox folder are read, queued as receipt
// tasks, and moved aside (inbox/processed, or inbox/failed when unreadable).
type DXPFolder struct {
	outbox, inbox string
	queue         app.Queue
	log           *slog.Logger
	poll          time.Duration
}

var _ app.CustomsGateway = (*DXPFolder)(nil)

// NewDXPFolder prepares the folders under dir ("outbox", "inbox", "inbox/processed",
// "inbox/failed").
func NewDXPFolder(dir string, queue app.Queue, log *slog.Logger) (*DXPFolder, error) {
	d := &DXPFolder{outbox: filepath.Join(dir, "outbox"), inbox: filepath.Join(dir, "inbox"),
		queue: queue, log: log, poll: 500 * time.Millisecond}
	for _, sub := range []string{d.outbox, d.inbox, filepath.Join(d.inbox, "processed"), filepath.Join(d.inbox, "failed")} {
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return nil, fmt.Errorf("dxp folder: %w", err)
		}
	}
	return d, nil
}

// Outbox is the folder messages are written to.
func (d *DXPFolder) Outbox() string { return d.outbox }

// Inbox is the folder receipts are read from.
func (d *DXPFolder) Inbox() string { return d.inbox }

// Send writes each message as <type>_<guid>.xml (see write).
func (d *DXPFolder) Send(_ context.Context, ms ...app.OutgoingMessage) error {
	for _, m := range ms {
		if err := d.write(m); err != nil {
			return err
		}
	}
	return nil
}

// write writes one message. The file appears whole (written aside, then renamed), so the
// client never reads half a message; writing the same guid again replaces it.
func (d *DXPFolder) write(m app.OutgoingMessage) error {
	name := m.Type + "_" + m.GUID + ".xml"
	tmp := filepath.Join(d.outbox, "."+name+".tmp")
	if err := os.WriteFile(tmp, m.XML, 0o644); err != nil {
		return fmt.Errorf("dxp outbox: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(d.outbox, name)); err != nil {
		return fmt.Errorf("dxp outbox: %w", err)
	}
	return nil
}

// Run polls the inbox until ctx ends.
func (d *DXPFolder) Run(ctx context.Context) {
	t := time.NewTicker(d.poll)
	defer t.Stop()
	for {
		if err := d.PollOnce(ctx); err != nil {
			d.log.Warn("dxp inbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// PollOnce queues every receipt file now in the inbox, oldest name first, and moves each aside
// once it is queued. A file that cannot be queued stays for the next poll.
func (d *DXPFolder) PollOnce(ctx context.Context) error {
	entries, err := os.ReadDir(d.inbox)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(strings.ToLower(e.Name()), ".xml") && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(d.inbox, name)
		content, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dest := "processed"
		if problem := unreadable(content); problem != "" {
			// Set aside with the reason beside it: retrying a file that cannot be read helps nobody.
			dest = "failed"
			d.log.Warn("dxp inbox: unreadable receipt file set aside", "file", name, "problem", problem)
			if err := os.WriteFile(filepath.Join(d.inbox, "failed", name+".err"), []byte(problem+"\n"), 0o644); err != nil {
				return err
			}
		} else if err := d.queue.Enqueue(ctx, app.Task{Type: app.TaskCustomsReceipts, Payload: content}); err != nil {
			return fmt.Errorf("queue %s: %w", name, err)
		}
		if err := os.Rename(path, filepath.Join(d.inbox, dest, name)); err != nil {
			return err
		}
	}
	return nil
}

// unreadable says what is wrong with a receipt file, or "" when every document in it parses.
func unreadable(content []byte) string {
	docs, err := ceb.ParseReceiptStream(content)
	if err != nil {
		return err.Error()
	}
	for _, d := range docs {
		if d.Err != nil {
			return d.Err.Error()
		}
	}
	return ""
}
