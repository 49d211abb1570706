# `cmake --install`: what a package ships. Programs and man pages where the system
# looks for them; completions in the directories bash-completion and zsh read; the
# rotate timer as a unit that is installed but not enabled; the bastion hooks and the
# crontab line as examples under share/recssh/ (enabling them is the admin's choice).
include(GNUInstallDirs)
install(TARGETS recast recssh RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES man/recssh.1 man/recast.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES man/recssh.conf.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)

set(RECSSH_BASH_COMPLETION_DIR "${CMAKE_INSTALL_DATADIR}/bash-completion/completions"
    CACHE PATH "where bash-completion looks for completions")
set(RECSSH_ZSH_COMPLETION_DIR "${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions"
    CACHE PATH "where zsh looks for completion functions (Debian's vendor directory)")
# Debian 12's systemd reads units from /lib/systemd/system (what dh and lintian
# expect); a /usr/local install keeps them under its prefix.
if(NOT DEFINED RECSSH_SYSTEMD_UNIT_DIR)
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(RECSSH_SYSTEMD_UNIT_DIR /lib/systemd/system)
  else()
    set(RECSSH_SYSTEMD_UNIT_DIR lib/systemd/system)
  endif()
endif()
install(FILES shell/completion/recssh.bash DESTINATION ${RECSSH_BASH_COMPLETION_DIR} RENAME recssh)
# bash-completion loads completions by command name: recast shares recssh's file.
install(CODE "file(CREATE_LINK recssh \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${RECSSH_BASH_COMPLETION_DIR}/recast\" SYMBOLIC)")
install(FILES shell/completion/_recssh DESTINATION ${RECSSH_ZSH_COMPLETION_DIR})

# The units name the installed recast, not the /usr/local one of the examples.
foreach(unit recast-rotate.service recast-rotate.timer)
  file(READ shell/rotate/${unit} text)
  string(REPLACE "/usr/local/bin/recast" "${CMAKE_INSTALL_FULL_BINDIR}/recast" text "${text}")
  file(WRITE ${PROJECT_BINARY_DIR}/units/${unit} "${text}")
  install(FILES ${PROJECT_BINARY_DIR}/units/${unit} DESTINATION ${RECSSH_SYSTEMD_UNIT_DIR})
endforeach()
install(PROGRAMS shell/bastion/recssh-forcecommand.sh DESTINATION ${CMAKE_INSTALL_DATADIR}/recssh/examples)
install(FILES shell/bastion/recssh-profile.sh shell/rotate/recast-rotate.cron shell/rotate/recast-ship.cron  # sourced / read, not run
        DESTINATION ${CMAKE_INSTALL_DATADIR}/recssh/examples)
