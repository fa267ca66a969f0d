// The same with goroutines: start a batch of empty goroutines, wait for them
// (sync.WaitGroup), N times in total. Prints ns per goroutine.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

func main() {
	n, batch := 1000000, 100
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	if len(os.Args) > 2 {
		batch, _ = strconv.Atoi(os.Args[2])
	}
	var wg sync.WaitGroup
	t0 := time.Now()
	for done := 0; done < n; done += batch {
		wg.Add(batch)
		for i := 0; i < batch; i++ {
			go func() { wg.Done() }()
		}
		wg.Wait()
	}
	fmt.Printf("%.1f\n", float64(time.Since(t0).Nanoseconds())/float64(n))
}
