package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// A form is sent once. Every form a page renders carries a token of its own (`_once`,
// view.Once); the first change request that brings it spends it, and the same form sent again
// — a double click, a retry after a slow answer, the back button — is answered by the "already
// sent" page instead of doing the work twice (a second booking, a second list). A refused form
// (an answer of 400 or more) gives its token back, so it may be corrected and sent again from
// the same page. Tokens are spent in Redis (adapters/redis.Scratch, SET NX) so that this holds
// across instances; without Redis the console keeps them in this process.

// FormTokens spends one-time form tokens.
type FormTokens interface {
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
	Drop(ctx context.Context, key string) error
}

// onceTTL is how long a spent token is remembered: longer than anyone keeps a page open.
const onceTTL = 24 * time.Hour

// KeepFormTokensIn sets where spent form tokens are kept.
func (w *Console) KeepFormTokensIn(t FormTokens) { w.once = t }

// Once is a fresh form token, one per form ({{$.Once}} in a form's hidden field).
func (v *view) Once() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// spendOnce runs a signed-in user's change at most once per form token: false when the token was
// spent already (the "already sent" page is written). A request without a token (htmx, older
// pages) runs as before; a store that cannot be asked lets the request run (logged).
func (w *Console) spendOnce(r *req, run func() error) error {
	token := r.c.FormValue(fieldOnce)
	if token == "" || len(token) > 64 {
		return run()
	}
	key := "once:" + token
	ok, err := w.once.Claim(r.ctx(), key, onceTTL)
	if err != nil {
		w.log.Warn("console: form token not checked", "err", err)
		return run()
	}
	if !ok {
		return r.render(fiber.StatusConflict, "error", "error.once.title", errorPage{Message: T(r.lang, "error.once")})
	}
	err = run()
	if r.c.Response().StatusCode() >= 400 {
		// Refused (or failed): the same form may be sent again once corrected. The request's
		// own context may be spent; giving the token back gets a moment of its own.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if derr := w.once.Drop(ctx, key); derr != nil {
			w.log.Warn("console: form token not given back", "err", derr)
		}
	}
	return err
}

// memoryOnce keeps spent tokens in this process, each until its expiry.
type memoryOnce struct {
	mu    sync.Mutex
	until map[string]time.Time
}

func newMemoryOnce() *memoryOnce { return &memoryOnce{until: map[string]time.Time{}} }

func (m *memoryOnce) Claim(_ context.Context, key string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	if len(m.until) > 10_000 {
		for k, t := range m.until {
			if now.After(t) {
				delete(m.until, k)
			}
		}
	}
	if t, ok := m.until[key]; ok && now.Before(t) {
		return false, nil
	}
	m.until[key] = now.Add(ttl)
	return true, nil
}

func (m *memoryOnce) Drop(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.until, key)
	return nil
}
