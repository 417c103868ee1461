// Orders version pairs with golang.org/x/mod/semver, for Palisade's
// differential tests: reads "A<TAB>B" lines, writes semver.Compare(A, B).
// Build offline from Debian's golang-golang-x-mod-dev:
//   GOPATH=/usr/share/gocode GO111MODULE=off go build
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/semver"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		a, b, _ := strings.Cut(in.Text(), "\t")
		fmt.Fprintln(out, semver.Compare(a, b))
	}
}
