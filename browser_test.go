package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The browser tests drive Debian's headless chromium through chromedp: one browser per test
// binary, started by the first test that asks, and a tab in a browser context of its own (its
// own cookies) per test. Without chromium the tests are skipped, except in CI (CI=true), where
// .ci/run installs it and its absence fails them.

var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	err    error
}

// chromiumPath finds the browser.
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// closeBrowser stops the browser, if one was started (TestMain).
func closeBrowser() {
	if browser.cancel != nil {
		browser.cancel()
	}
}

// browserTimeout bounds everything one test does in its tab.
const browserTimeout = 3 * time.Minute

// newTab opens a tab in a fresh browser context, closed when the test ends.
func newTab(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed (.ci/run installs it): the console's browser tests cannot run")
		}
		t.Skip("chromium is not installed; apt-get install chromium to run the browser tests")
	}
	browser.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
			chromedp.DisableGPU, chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "zh-CN"))
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(alloc)
		browser.ctx, browser.cancel = ctx, func() { cancel(); cancelAlloc() }
		started := make(chan error, 1)
		go func() { started <- chromedp.Do(ctx) }() // the first run starts the browser
		select {
		case browser.err = <-started:
		case <-time.After(time.Minute):
			browser.err = context.DeadlineExceeded
		}
	})
	if browser.err != nil {
		t.Fatalf("starting chromium: %v", browser.err)
	}
	tab, cancelTab := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(tab); err != nil {
		cancelTab()
		t.Fatalf("opening a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, browserTimeout)
	t.Cleanup(func() { cancel(); cancelTab() })
	return ctx
}

// page is a tab on a service's console.
type page struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (s *service) browse(t *testing.T) *page {
	return &page{t: t, ctx: newTab(t), base: s.url}
}

// open navigates to path and returns the status of the page it ends on.
func (p *page) open(path string) int64 {
	p.t.Helper()
	res, err := chromedp.RunResponse(p.ctx, chromedp.Navigate(p.base+path))
	if err != nil {
		p.t.Fatalf("open %s: %v", path, err)
	}
	return res.Status
}

// submit clicks a button that sends a form and returns the status of the page it leads to.
func (p *page) submit(button string) int64 {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second) // a click that sends nothing waits for ever
	defer cancel()
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(button)))
	if err != nil {
		p.t.Fatalf("submit %s: %v", button, err)
	}
	return res.Status
}

// fill empties the fields and types into them, by CSS selector.
func (p *page) fill(fields ...string) {
	p.t.Helper()
	for i := 0; i+1 < len(fields); i += 2 {
		eval[bool](p, `(document.querySelector(`+jsString(fields[i])+`).value = "") === ""`)
		if err := chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.CSS(fields[i]), fields[i+1])); err != nil {
			p.t.Fatalf("fill %s: %v", fields[i], err)
		}
	}
}

// text is the visible text of the first element the selector finds.
func (p *page) text(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// eval runs JavaScript in the page and returns its value.
func eval[T any](p *page, js string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("eval %s: %v", js, err)
	}
	return v
}

// has reports whether the page has an element the selector finds.
func (p *page) has(sel string) bool {
	return eval[bool](p, `document.querySelector(`+jsString(sel)+`) !== null`)
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// signIn signs in through the form and lands on the home page.
func (p *page) signIn(email, password string) {
	p.t.Helper()
	p.open("/signin")
	p.fill("#email", email, "#password", password)
	if status := p.submit("#signin-form button[type=submit]"); status != 200 || !p.has("#greeting") {
		p.t.Fatalf("sign-in of %s: status %d, at %s", email, status, eval[string](p, "location.pathname"))
	}
}

// screenshotDir is where the browser tests save a picture of every page: build/screenshots by
// default (not committed), SILKGATE_SCREENSHOTS to choose.
func screenshotDir() string {
	if d := os.Getenv("SILKGATE_SCREENSHOTS"); d != "" {
		return d
	}
	return filepath.Join("build", "screenshots")
}

// screenshot saves the whole page as name.png.
func (p *page) screenshot(name string) {
	p.t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := screenshotDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// viewport sets the tab's size (a phone is 390 × 844).
func (p *page) viewport(w, h int64) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(w, h)); err != nil {
		p.t.Fatal(err)
	}
}
