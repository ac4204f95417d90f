package app

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"

	"github.com/silkgate/silkgate/domain/customs"
)

// copNoIssuer gives this process's filings their copNos: prefix + second + node + sequence
// (customs.FormatCopNo). Unique by construction: the node is this process's own (claimed from
// the store at start), and within the process (second, sequence) never repeats — the sequence
// counts up within a second and starts again at 1 in the next, and the second written never goes
// back, so a clock set back keeps counting in the last second used. The store's unique index
// on copNo (declaration_guids) is the second guard.
type copNoIssuer struct {
	node   string
	mu     sync.Mutex
	second int64 // Unix second of the last copNo
	seq    uint64
}

// newCopNoIssuer issues under node; an empty node is drawn at random.
func newCopNoIssuer(node string) *copNoIssuer {
	if node == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		node = customs.CopNoNode(binary.BigEndian.Uint64(b[:]))
	}
	return &copNoIssuer{node: node}
}

// next returns a new copNo for a filing made at now.
func (c *copNoIssuer) next(prefix string, now time.Time) (string, error) {
	c.mu.Lock()
	sec := now.Unix()
	if sec > c.second {
		c.second, c.seq = sec, 0
	}
	c.seq++
	sec, seq := c.second, c.seq
	c.mu.Unlock()
	return customs.FormatCopNo(prefix, time.Unix(sec, 0), c.node, seq)
}
