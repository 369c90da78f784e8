//go:build tools

package tools

import _ "go.k6.io/xk6/cmd/xk6"
