import { defineConfig } from "vite";

// The Tauri window (WebKitGTK) loads ui/dist from the app's own protocol: relative asset URLs,
// no dev server needed, every asset (the fonts included) shipped inside dist.
export default defineConfig({
  base: "./",
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Fonts stay files (not data: URLs) so the CSP can stay strict and dist stays readable.
    assetsInlineLimit: 0,
  },
});
