# Install layout and the Debian package (cpack -G DEB), included from the top CMakeLists.txt.
#   /usr/bin/ketenhub                         the binary
#   /usr/share/ketenhub/{schemas,mappings}     the catalogue the configuration points at
#   /usr/share/ketenhub/examples              example events (for `ketenhub send` / `route test`)
#   /etc/ketenhub/hub.yaml, routes/           the configuration (conffiles: kept on upgrade)
#   /lib/systemd/system/ketenhub.service      the hardened unit
#   /usr/share/doc/ketenhub/                  README, docs/
#   /usr/share/man/man1/ketenhub.1            when help2man built it
#   /usr/share/bash-completion/completions/ketenhub
# The package's maintainer scripts (deploy/debian/) create the system user `ketenhub`; the
# service starts only once /etc/ketenhub/hub.yaml passes `config check` (keys in place).
include(GNUInstallDirs)

install(TARGETS ketenhub RUNTIME DESTINATION bin)
# The letter renderer the print channel loads on first use (hub/pdf_loader/pdf_loader.h looks in
# <binary dir>/../lib/ketenhub).
install(TARGETS ketenhub-pdf LIBRARY DESTINATION lib/ketenhub)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/schemas ${CMAKE_SOURCE_DIR}/mappings
        DESTINATION share/ketenhub)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/examples/ DESTINATION share/ketenhub/examples)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/systemd/hub.yaml DESTINATION /etc/ketenhub)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/routes/ DESTINATION /etc/ketenhub/routes)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/systemd/ketenhub.service
        DESTINATION /lib/systemd/system)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
install(FILES ${CMAKE_BINARY_DIR}/ketenhub.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 OPTIONAL)
if(EXISTS ${CMAKE_SOURCE_DIR}/deploy/completion/ketenhub.bash)
  install(FILES ${CMAKE_SOURCE_DIR}/deploy/completion/ketenhub.bash
          DESTINATION share/bash-completion/completions RENAME ketenhub)
endif()
foreach(dir prometheus grafana)
  if(EXISTS ${CMAKE_SOURCE_DIR}/deploy/${dir})
    install(DIRECTORY ${CMAKE_SOURCE_DIR}/deploy/${dir}/ DESTINATION share/ketenhub/${dir})
  endif()
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ketenhub)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "ketenhub maintainers <ketenhub@gemeente.test>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Integration hub for the Dutch compulsory mental health care chain (Wvggz, Wzd)")
set(CPACK_PACKAGE_INSTALL_DIRECTORY ketenhub)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # dependencies from the linked libraries (dpkg-shlibdeps)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
# conffiles: every file installed under /etc (kept, or asked about, on upgrade).
file(GLOB_RECURSE route_files RELATIVE ${CMAKE_SOURCE_DIR}/routes ${CMAKE_SOURCE_DIR}/routes/*)
set(conffiles "/etc/ketenhub/hub.yaml\n")
foreach(f ${route_files})
  string(APPEND conffiles "/etc/ketenhub/routes/${f}\n")
endforeach()
file(WRITE ${CMAKE_BINARY_DIR}/debian/conffiles "${conffiles}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_BINARY_DIR}/debian/conffiles ${CMAKE_SOURCE_DIR}/deploy/debian/postinst
    ${CMAKE_SOURCE_DIR}/deploy/debian/prerm ${CMAKE_SOURCE_DIR}/deploy/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
