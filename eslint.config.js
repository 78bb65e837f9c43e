// ESLint's configuration (make lint): its recommended rules for the page's ES modules and their tests.
import js from "@eslint/js";
import globals from "globals";

export default [
  // What .gitignore leaves out is never ours to lint (.cache/ holds the tests' smoke venv, swagger-ui included).
  { ignores: ["node_modules/", ".venv/", ".cache/", "build/", "dist/", "data/", "runs/", "artifacts/", "static/report/"] },
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: globals.browser },
  },
  {
    files: ["tests/**/*.js", "*.js", "**/*.mjs"],
    languageOptions: { ecmaVersion: 2024, sourceType: "module", globals: globals.node },
  },
  {
    rules: {
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }],
      eqeqeq: "error",
      "prefer-const": "error",
    },
  },
];
