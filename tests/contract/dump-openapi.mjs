// Print Seam's OpenAPI document, as published in @seamapi/types, as JSON on stdout.
import { openapi } from '@seamapi/types/connect'
process.stdout.write(JSON.stringify(openapi))
