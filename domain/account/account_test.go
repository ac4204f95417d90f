package account

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/party"
)

func TestCheckNamesEveryField(t *testing.T) {
	err := Check(Fields{Email: "not an email", Name: " ", Role: "boss"}, "short")
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != domain.KindInvalid {
		t.Fatalf("err %v", err)
	}
	got := map[string]domain.Code{}
	for _, f := range de.Fields {
		got[f.Field] = f.Code
	}
	want := map[string]domain.Code{"email": "invalid_email", "name": "required", "role": "invalid_role", "password": "password_too_short"}
	for f, c := range want {
		if got[f] != c {
			t.Errorf("%s: %q, want %q (all: %v)", f, got[f], c, got)
		}
	}
	if err := Check(Fields{Email: " Li.Na@Example.COM ", Name: "李娜", Role: RoleMember}, "十个汉字的密码也可以用"); err != nil {
		t.Errorf("a good user: %v", err)
	}
}

func TestPasswordRules(t *testing.T) {
	for pw, code := range map[string]domain.Code{
		"123456789":              "password_too_short",
		"          ":             "password_too_short",
		strings.Repeat("密", 25):  "password_too_long", // 25 characters, 75 bytes: bcrypt would cut it
		strings.Repeat("a", 73):  "password_too_long",
		"\xff\xfe\xfd0123456789": "invalid_character",
		"0123456789":             "",
		strings.Repeat("a", 72):  "",
	} {
		err := CheckPassword("password", pw)
		if domain.CodeOf(err) != code && !(code == "" && err == nil) {
			t.Errorf("%q: %v, want %q", pw, err, code)
		}
	}
}

func TestEmailsAreNormalised(t *testing.T) {
	u, err := NewUser("usr_1", Fields{OrgID: "org_a", Email: " Wang.Li@Example.COM", Name: " 王丽 ", Role: RoleAdmin}, "hash", time.Now())
	if err != nil || u.Email() != "wang.li@example.com" || u.Name() != "王丽" {
		t.Fatalf("%v %+v", err, u)
	}
	for _, bad := range []string{"王丽 <wang@example.com>", "wang@localhost", "@example.com", "wang@"} {
		if err := Check(Fields{Email: bad, Name: "x", Role: RoleAdmin}, "0123456789"); domain.CodeOf(err) != "invalid_email" {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// A user keeps at most MaxSessions open sessions: the expired and the oldest are closed first.
func TestSessionsOfAUser(t *testing.T) {
	now := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	u, _ := NewUser("usr_1", Fields{OrgID: "org_a", Email: "a@b.example", Name: "a", Role: RoleMember}, "hash", now)
	if closed := u.OpenSession(SessionRef{ID: "old", ExpiresAt: now.Add(time.Minute)}, now); len(closed) != 0 {
		t.Fatalf("closed %v", closed)
	}
	later := now.Add(time.Hour)
	if closed := u.OpenSession(SessionRef{ID: "s0", ExpiresAt: later.Add(time.Hour)}, later); len(closed) != 1 || closed[0] != "old" {
		t.Fatalf("the expired session was not closed: %v", closed)
	}
	for i := 1; i < MaxSessions; i++ {
		u.OpenSession(SessionRef{ID: "s" + string(rune('0'+i)), ExpiresAt: later.Add(time.Hour)}, later)
	}
	if closed := u.OpenSession(SessionRef{ID: "new", ExpiresAt: later.Add(time.Hour)}, later); len(closed) != 1 || closed[0] != "s0" {
		t.Fatalf("past the limit, closed %v, want the oldest", closed)
	}
	if n := len(u.Sessions()); n != MaxSessions {
		t.Errorf("%d sessions kept", n)
	}
	closed := u.CloseSessions("new", later)
	if len(closed) != MaxSessions-1 || len(u.Sessions()) != 1 || u.Sessions()[0].ID != "new" {
		t.Errorf("closing all but one: closed %v, kept %v", closed, u.Sessions())
	}
}

// A session ends when unused for the idle time, and at its absolute end however used.
func TestSessionLife(t *testing.T) {
	now := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	u, _ := NewUser("usr_1", Fields{OrgID: "org_a", Email: "a@b.example", Name: "a", Role: RoleMember}, "hash", now)
	s, token := NewSession(u, party.KindExporter, now, 12*time.Hour)
	if !strings.HasPrefix(token, TokenPrefix) || s.ID != HashToken(token) || strings.Contains(s.ID, token) || s.CSRF == "" {
		t.Fatalf("session %+v, token %q", s, token)
	}
	idle := 30 * time.Minute
	if !s.Live(now.Add(29*time.Minute), idle) || s.Live(now.Add(31*time.Minute), idle) {
		t.Error("idle timeout")
	}
	if s.NeedsTouch(now.Add(30*time.Second)) || !s.NeedsTouch(now.Add(TouchEvery)) {
		t.Error("touch")
	}
	s.LastSeenAt = now.Add(12*time.Hour - time.Minute)
	if s.Live(now.Add(12*time.Hour), idle) {
		t.Error("alive past its absolute end")
	}
	_, other := NewSession(u, party.KindExporter, now, time.Hour)
	if other == token {
		t.Error("two sessions share a token")
	}
}
