package web

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/silkgate/silkgate/domain/account"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/party"
)

// TestCatalogue checks that every text has both languages, and that every key the templates and
// the Go code name, and every status, kind and role a page labels, is in the catalogue.
func TestCatalogue(t *testing.T) {
	for k, m := range messages {
		if strings.TrimSpace(m.zh) == "" || strings.TrimSpace(m.en) == "" {
			t.Errorf("%s: zh %q, en %q: both are needed", k, m.zh, m.en)
		}
		if strings.Count(m.zh, "%") != strings.Count(m.en, "%") {
			t.Errorf("%s: the two languages take different arguments: %q, %q", k, m.zh, m.en)
		}
	}
	used := map[string]string{}
	inTemplates := regexp.MustCompile(`\.Tf? "([a-z0-9_.]+)"`)
	inGo := regexp.MustCompile(`(?:T|Tf|render\([^"]*"[a-z]+",) ?\(?[a-zA-Z.]*,? ?"([a-z0-9_]+\.[a-z0-9_.]+)"`)
	files, _ := fs.Glob(templateFS, "templates/*.html")
	for _, f := range files {
		b, _ := fs.ReadFile(templateFS, f)
		for _, m := range inTemplates.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	goFiles, _ := fs.Glob(os.DirFS("."), "*.go")
	for _, f := range goFiles {
		if strings.HasSuffix(f, "_test.go") || f == "i18n.go" {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range inGo.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
		for _, m := range regexp.MustCompile(`Key: "([a-z0-9_.]+)"`).FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	for _, s := range parcel.Statuses() {
		used["status."+string(s)] = "parcel.Statuses"
	}
	for _, k := range append([]party.Kind{party.KindOperator}, party.RegisteredKinds...) {
		used["kind."+string(k)] = "party kinds"
	}
	for _, r := range account.Roles {
		used["role."+string(r)] = "account.Roles"
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in use: the patterns no longer match the code", len(used))
	}
	for k, where := range used {
		if _, ok := messages[k]; !ok {
			t.Errorf("%s names %q, which the catalogue lacks", where, k)
		}
	}
}

// TestVendoredAssets checks that the embedded scripts are the ones scripts/vendor-assets.sh
// recorded in assets/vendor/VERSIONS, and that every recorded file is served.
func TestVendoredAssets(t *testing.T) {
	f, err := os.Open("assets/vendor/VERSIONS")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 3 || !strings.Contains(fields[1], "@") {
			t.Fatalf("VERSIONS line %q: want file package@version sha256", line)
		}
		name, want := fields[0], fields[2]
		a, ok := assets[name]
		if !ok {
			t.Errorf("%s (%s) is recorded but not embedded", name, fields[1])
			continue
		}
		sum := sha256.Sum256(a.body)
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("%s: embedded sha256 %s, VERSIONS says %s (%s): rerun scripts/vendor-assets.sh", name, got, want, fields[1])
		}
		n++
	}
	if n != 2 {
		t.Errorf("VERSIONS records %d files; want htmx and echarts", n)
	}
	for _, name := range []string{"app.css", "console.js", "htmx.min.js", "echarts.min.js"} {
		if _, ok := assets[name]; !ok || !strings.Contains(assetURL(name), "?v=") {
			t.Errorf("%s is not served with a version", name)
		}
	}
}

// TestLocalPath checks that the way back after sign-in or a language switch stays on this site.
func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/parcels?status=released": "/parcels?status=released",
		"":                         "/",
		"https://evil.example/":    "/",
		"//evil.example/":          "/",
		"/\\evil.example":          "/",
		"/ok\r\nSet-Cookie: x=1":   "/",
		"javascript:alert(1)":      "/",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPagesParse checks that every page template parses with the layout.
func TestPagesParse(t *testing.T) {
	pages, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"signin", "home", "password", "orgs", "users", "parcels", "parcel", "track", "error"} {
		if pages[p] == nil {
			t.Errorf("page %s is missing", p)
		}
	}
}

// A code reads by its field where the catalogue says more for that field, else as itself.
func TestFieldErrorText(t *testing.T) {
	for _, c := range []struct{ field, code, want string }{
		{"items[1].gcode", "invalid_hs_code", "err.invalid_hs_code@gcode"},
		{"hsCodes[0]", "invalid_hs_code", "err.invalid_hs_code"},
		{"departsAt", "in_the_past", "err.in_the_past@departsAt"},
		{"", "in_the_past", "err.in_the_past"},
	} {
		for _, lang := range []Lang{LangZh, LangEn} {
			if got := fieldErrorText(lang, c.field, c.code); got != T(lang, c.want) {
				t.Errorf("%s at %q in %s: %q, want %q", c.code, c.field, lang, got, T(lang, c.want))
			}
		}
	}
}
