package http

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestReadyzNamesTheDependencyThatIsDown(t *testing.T) {
	up := func(context.Context) error { return nil }
	down := func(context.Context) error { return errors.New("connection refused") }
	cases := []struct {
		checks map[string]Check
		status int
		detail string
	}{
		{map[string]Check{"mongo": up, "redis": up}, 200, ""},
		{map[string]Check{"mongo": up, "redis": down}, 503, "redis not answering"},
		{map[string]Check{"mongo": down, "redis": down}, 503, "mongo, redis not answering"},
	}
	for _, c := range cases {
		f := New(UseCases{}, Options{Ready: c.checks, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		res, err := f.Test(httptest.NewRequest("GET", "/readyz", nil))
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != c.status {
			t.Errorf("status %d, want %d: %v", res.StatusCode, c.status, body)
		}
		if c.status == 503 {
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") || body["detail"] != c.detail {
				t.Errorf("problem %v (%s), want detail %q", body, res.Header.Get("Content-Type"), c.detail)
			}
		}
	}
}
