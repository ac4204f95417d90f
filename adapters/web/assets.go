package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"

	"github.com/gofiber/fiber/v2"
)

// The console's files, served from the binary: its own stylesheet and the vendored scripts
// (scripts/vendor-assets.sh; their versions and digests in assets/vendor/VERSIONS).
//
//go:embed assets/app.css assets/console.js assets/vendor/*.js
var assetFS embed.FS

// assets are the served files by name, each with the first hex digits of its SHA-256, which
// every link carries (?v=…) so that a file is cached for a year and a new build's file is
// fetched anew.
var assets = loadAssets()

type asset struct {
	body    []byte
	version string
	mime    string
}

func loadAssets() map[string]asset {
	out := map[string]asset{}
	_ = fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := assetFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		m := mime.TypeByExtension(path.Ext(p))
		if path.Ext(p) == ".js" {
			m = "text/javascript; charset=utf-8"
		}
		out[path.Base(p)] = asset{body: body, version: hex.EncodeToString(sum[:])[:12], mime: m}
		return nil
	})
	return out
}

// assetURL is the link to a served file, with its version.
func assetURL(name string) string {
	a, ok := assets[name]
	if !ok {
		return "/assets/" + name
	}
	return "/assets/" + name + "?v=" + a.version
}

// serveAsset answers GET /assets/:name with a long cache life: links carry the version.
func serveAsset(c *fiber.Ctx) error {
	a, ok := assets[c.Params("name")]
	if !ok {
		return c.Next() // the console's 404 page
	}
	c.Set(fiber.HeaderContentType, a.mime)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	body, etag := a.body, `"`+a.version+`"`
	if c.Request().Header.HasAcceptEncoding("gzip") { // compressed once (dashboard.go)
		body, etag = gzipOf(c.Params("name"), a), `"`+a.version+`-gz"`
		c.Set(fiber.HeaderContentEncoding, "gzip")
	}
	c.Set(fiber.HeaderETag, etag)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(body)
}
