package main

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/silkgate/silkgate/config"
)

// TestOperatorKeyNotLostWhenFirstStartFails: the first start on an empty database finds its
// address taken. The next start must still give the operator a way in: the generated key,
// shown and working, or at least the bilingual hint how to set one.
func TestOperatorKeyNotLostWhenFirstStartFails(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	env := testEnviron(t, map[string]string{"SILKGATE_HTTP_ADDR": taken.Addr().String()})
	delete(env, "SILKGATE_OPERATOR_KEY")
	cfg, err := config.Load(env)
	if err != nil {
		t.Fatal(err)
	}
	first := NewMain(cfg, slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})), nil)
	err = first.Run(context.Background())
	first.Close()
	if err == nil || !strings.Contains(err.Error(), "SILKGATE_HTTP_ADDR") {
		t.Fatalf("a start on a taken address: err = %v", err)
	}

	env["SILKGATE_HTTP_ADDR"] = "127.0.0.1:0"
	s := startWith(t, env)
	key := s.main.GeneratedOperatorKey
	if key == "" || !strings.Contains(s.banner.String(), key) {
		t.Fatalf("after a failed first start the next start shows no operator key:\n%s", s.banner.String())
	}
	s.expect(s.do("GET", "/v1/orgs", key, nil), 200)
}

// TestOperatorKeyHintOnEveryStart: once an operator key exists and none is configured, every
// start says so in Chinese and English and names SILKGATE_OPERATOR_KEY, without the secret; a
// start with a configured key says nothing of it, and the configured key works next to the old.
func TestOperatorKeyHintOnEveryStart(t *testing.T) {
	t.Parallel()
	env := testEnviron(t, nil)
	delete(env, "SILKGATE_OPERATOR_KEY")
	s := startWith(t, env)
	key := s.main.GeneratedOperatorKey
	if key == "" || strings.Contains(s.banner.String(), "SILKGATE_OPERATOR_KEY=") {
		t.Fatalf("first start: key %q, banner:\n%s", key, s.banner.String())
	}
	for range 2 {
		s.restart()
		b := s.banner.String()
		if strings.Contains(b, key) || s.main.GeneratedOperatorKey != "" {
			t.Fatalf("a restart shows the key again:\n%s", b)
		}
		for _, want := range []string{"运营方密钥已存在", "An operator key exists", "SILKGATE_OPERATOR_KEY="} {
			if !strings.Contains(b, want) {
				t.Errorf("restart banner lacks %q:\n%s", want, b)
			}
		}
	}

	const chosen = "chosen-operator-key-0123456789"
	s.environ["SILKGATE_OPERATOR_KEY"] = chosen
	s.restart()
	if b := s.banner.String(); strings.Contains(b, "SILKGATE_OPERATOR_KEY=") || strings.Contains(b, key) {
		t.Errorf("a start with a configured key still talks of operator keys:\n%s", b)
	}
	s.expect(s.do("GET", "/v1/orgs", chosen, nil), 200)
	s.expect(s.do("GET", "/v1/orgs", key, nil), 200)
}
