# Embeds the perceptual network's weights (models/vgg19-relu3_1/vgg19_relu3_1.pt, BSD-2, notices
# beside it) into the library, so training works offline without any download.
set(vgg_file ${PROJECT_SOURCE_DIR}/models/vgg19-relu3_1/vgg19_relu3_1.pt)
file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/embedded_vgg.S CONTENT
"  .section .rodata
  .balign 64
  .global comicgan_vgg19_relu3_1
comicgan_vgg19_relu3_1:
  .incbin \"${vgg_file}\"
  .global comicgan_vgg19_relu3_1_end
comicgan_vgg19_relu3_1_end:
  .section .note.GNU-stack,\"\",@progbits
")
set_source_files_properties(${CMAKE_BINARY_DIR}/embedded_vgg.S PROPERTIES OBJECT_DEPENDS ${vgg_file})
target_sources(comicgan PRIVATE ${CMAKE_BINARY_DIR}/embedded_vgg.S)
